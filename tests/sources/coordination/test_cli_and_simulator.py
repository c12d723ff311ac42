"""The commands for a coordination database: init makes its schema, status --json counts
its lanes, totals and own counts, and simulate writes as its loops would (counted in
steps, with an injected clock, so nothing depends on speed)."""

from __future__ import annotations

import json
from datetime import timedelta
from itertools import count
from pathlib import Path

import pytest

from ringmaster_tui.cli import main
from ringmaster_tui.sources.coordination.sim.simulator import run_simulation
from ringmaster_tui.sources.registry import open_source
from tests.builders import NOW
from tests.sources.coordination.conftest import one, rows


def run_cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str]:
    """The command run in this process (the CLI's own tests run it as a program)."""
    code = main([str(a) for a in args])
    return code, capsys.readouterr().out


def test_status_json_for_a_coordination_database(
    coord_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run_cli(capsys, "status", coord_db, "--json")
    assert code == 0
    status = json.loads(out)
    assert status["source"] == "coordination"
    assert status["lanes"] == {
        "PENDING": 7,
        "IN PROGRESS": 4,
        "BLOCKED": 10,
        "FAILED": 10,
        "PASSED": 22,
        "SKIPPED": 4,
    }
    assert status["cards"] == 57
    assert status["active_loops"] == 4
    assert status["unresolved_errors"] is None
    assert status["pending_decisions"] == 2
    assert status["unacknowledged_alerts"] == 3
    assert status["counts"] == {
        "blocked_tests": 10,
        "deadlocks": 1,
        "failed_tests": 10,
        "pending_change_requests": 2,
        "unacknowledged_events": 24,
    }


def test_init_with_source_coordination_makes_its_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "new.db"
    assert run_cli(capsys, "init", db, "--source", "coordination")[0] == 0
    status = json.loads(run_cli(capsys, "status", db, "--json")[1])
    assert status["source"] == "coordination" and status["cards"] == 0
    indexes = {r[0] for r in rows(db, "SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"idx_tests_status_id", "idx_events_ack_time", "idx_usage_loop"} <= indexes
    assert one(db, "PRAGMA journal_mode") == ("wal",)


def test_the_simulator_writes_as_the_loops_would(coord_db: Path) -> None:
    ticks = count()
    report = run_simulation(
        coord_db,
        rate=10_000,
        steps=150,
        seed=11,
        clock=lambda: NOW + timedelta(seconds=next(ticks)),
    )
    assert len(report.log) == 150 and report.changes > 75
    assert {"pick", "finish", "heartbeat"} <= set(report.tally)
    source = open_source(coord_db, user="ann")
    try:
        assert source.health().healthy
    finally:
        source.close()
    statuses = {r[0] for r in rows(coord_db, "SELECT DISTINCT status FROM tests")}
    assert statuses <= {"pending", "in_progress", "blocked", "failed", "passed", "skipped"}
    kinds = {r[0] for r in rows(coord_db, "SELECT DISTINCT event_type FROM events")}
    assert {"test_started", "test_passed"} <= kinds
    # A loop on a test holds it in progress; a loop off a test holds no lock.
    for loop_id, test_id in rows(
        coord_db, "SELECT id, current_test_id FROM loops WHERE status = 'running'"
    ):
        if test_id is None:
            assert not rows(coord_db, "SELECT 1 FROM file_locks WHERE locked_by = ?", loop_id)
        else:
            assert one(coord_db, "SELECT status FROM tests WHERE id = ?", test_id)[0] in {
                "in_progress",
                "pending",  # a person unblocked or forced it back meanwhile: the loop lets go
                "blocked",
                "skipped",
            }


def test_the_same_seed_writes_the_same_changes(tmp_path: Path) -> None:
    from ringmaster_tui.sources.coordination.sim.demo import create_demo_database

    logs = []
    for name in ("a.db", "b.db"):
        db = tmp_path / name
        create_demo_database(db, seed=3, now=NOW)
        logs.append(run_simulation(db, rate=10_000, steps=30, seed=5, clock=lambda: NOW).log)
    assert logs[0] == logs[1]

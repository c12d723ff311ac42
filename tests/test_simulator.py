"""The simulator writes as an orchestrator would: legal moves only, each with its row."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ringmaster_tui.domain import states as sm
from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.sim.demo import HOSTILE_TITLE, create_demo_database
from ringmaster_tui.sim.simulator import run_simulation
from ringmaster_tui.store.source import open_source

DEMO_NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    """A demo database after a short, fast simulator run; the transitions before it."""
    base = tmp_path_factory.mktemp("sim")
    db, repos = base / "demo.db", base / "repos"
    create_demo_database(db, repo_root=repos)
    conn = sqlite3.connect(db)
    before = conn.execute("SELECT count(*) FROM state_transitions").fetchone()[0]
    conn.close()
    run_simulation(db, rate=200, duration=3, seed=1, repo_root=repos)
    return db, repos, before


def test_every_recorded_transition_is_a_legal_system_move(
    simulated: tuple[Path, Path, int],
) -> None:
    db, _, before = simulated
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT from_state, to_state, trigger, metadata FROM state_transitions ORDER BY rowid"
    ).fetchall()

    assert len(rows) - before > 20, "the run made moves"
    for from_state, to_state, trigger, metadata in rows:
        assert sm.is_system_transition(from_state, to_state), (from_state, to_state, trigger)
        assert json.loads(metadata) == {"by": "simulator"}


def test_no_card_moved_without_its_transition_row(simulated: tuple[Path, Path, int]) -> None:
    db, _, _ = simulated
    conn = sqlite3.connect(db)
    cards = conn.execute("SELECT id, state, previous_state FROM cards").fetchall()
    for card_id, state, previous in cards:
        latest = conn.execute(
            "SELECT from_state, to_state FROM state_transitions WHERE card_id = ? "
            "ORDER BY rowid DESC LIMIT 1",
            (card_id,),
        ).fetchone()
        if latest is None:
            assert previous is None, card_id  # never moved
        else:
            assert latest == (previous, state), card_id


def test_attempt_commits_exist_in_the_demo_repositories(
    simulated: tuple[Path, Path, int],
) -> None:
    db, _, _ = simulated
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT a.commit_sha, p.repository_path FROM attempts a "
        "JOIN cards c ON c.id = a.card_id JOIN projects p ON p.id = c.project_id "
        "WHERE a.commit_sha IS NOT NULL"
    ).fetchall()

    assert len(rows) > 10
    for sha, repo in rows:
        found = subprocess.run(
            ["git", "-C", repo, "cat-file", "-e", f"{sha}^{{commit}}"], capture_output=True
        )
        assert found.returncode == 0, sha


def test_expired_decisions_are_auto_resolved_with_their_default(
    simulated: tuple[Path, Path, int],
) -> None:
    db, _, _ = simulated
    conn = sqlite3.connect(db)
    expired_pending = conn.execute(
        "SELECT count(*) FROM decisions WHERE status = 'pending' AND "
        "datetime(requested_at, '+' || timeout_minutes || ' minutes') "
        "<= datetime('now', '-5 seconds')"
    ).fetchone()[0]
    auto = conn.execute(
        "SELECT choice, default_option, decided_by FROM decisions WHERE status = 'auto_resolved'"
    ).fetchall()

    assert expired_pending == 0
    assert auto, "the demo holds an expired decision"
    assert all(choice == default and by == "auto" for choice, default, by in auto)


def test_demo_fills_every_lane_and_keeps_hostile_text(tmp_path: Path) -> None:
    create_demo_database(tmp_path / "demo.db", now=DEMO_NOW)

    source = open_source(tmp_path / "demo.db", user="t")
    snapshot = source.snapshot(BoardQuery(), DEMO_NOW)

    assert all(lane.count > 0 for lane in snapshot.lanes), snapshot.lanes
    assert snapshot.totals.pending_decisions >= 4
    assert snapshot.totals.critical_alerts >= 1
    titles = {c.title for lane in snapshot.lanes for c in lane.cards}
    assert HOSTILE_TITLE in titles


def test_same_seed_same_sequence_of_changes(tmp_path: Path) -> None:
    sequences = []
    for name in ("a", "b"):
        db = tmp_path / f"{name}.db"
        create_demo_database(db, now=DEMO_NOW)
        stop = threading.Event()
        report = run_simulation(db, rate=1000, duration=1.5, seed=42, stop=stop)
        sequences.append(report.kinds[:40])
        assert len(report.kinds) >= 40
    assert sequences[0] == sequences[1]


def test_stop_ends_the_run_promptly_and_leaves_no_transaction(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    create_demo_database(db, now=DEMO_NOW)
    stop = threading.Event()
    runner = threading.Thread(target=run_simulation, args=(db,), kwargs={"rate": 50, "stop": stop})
    runner.start()
    time.sleep(0.5)

    stop.set()
    runner.join(timeout=5)

    assert not runner.is_alive()
    conn = sqlite3.connect(db, isolation_level=None, timeout=0)
    conn.execute("BEGIN IMMEDIATE")  # fails at once if a writer still held the lock
    conn.execute("ROLLBACK")


def test_a_second_process_simulates_while_we_read(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    create_demo_database(db, now=DEMO_NOW)
    writer = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ringmaster_tui",
            "simulate",
            str(db),
            "--rate",
            "100",
            "--duration",
            "3",
            "--seed",
            "5",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    source = open_source(db, user="reader")
    seen = set()
    while writer.poll() is None:
        snapshot = source.snapshot(BoardQuery(), DEMO_NOW)
        seen.add(tuple(sorted(snapshot.states.items())))
        time.sleep(0.05)

    assert writer.returncode == 0
    assert len(seen) > 3, "the reader saw the board change while the writer ran"

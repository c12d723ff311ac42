"""The demo and the simulator: a demo database of the ticket system builds fast and opens
healthy; the simulator writes as the orchestrator would, counted in steps, timed by an
injected clock, the same with the same seed."""

from __future__ import annotations

import shutil
import sqlite3
import time
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.sources.tickets.sim.demo import create_demo_database
from ringmaster_tui.sources.tickets.sim.simulator import run_simulation
from tests.builders import NOW


class StepClock:
    """A minute passes at each reading."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def counts(db: Path) -> dict[str, int]:
    with closing(sqlite3.connect(db)) as conn:
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("tickets", "workers", "comments", "events")
        }


def test_the_demo_is_quick_healthy_and_uses_every_kind_of_row(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    started = time.perf_counter()
    create_demo_database(path, seed=5, now=NOW)
    assert time.perf_counter() - started < 2.0
    source = open_source(path, user="ann")
    try:
        assert source.health().healthy
        snapshot = source.snapshot(BoardQuery(lists=frozenset({"loops", "problems"})), NOW)
        assert sum(lane.count for lane in snapshot.lanes) == 36
        statuses = {row.seen for row in snapshot.tables["loops"].rows}
        assert statuses >= {"spawning", "active", "idle", "finished", "failed"}
        assert any(row.cells["stalled"].text for row in snapshot.tables["loops"].rows)
        assert snapshot.tables["problems"].total > 0
    finally:
        source.close()


def test_the_simulator_moves_tickets_on(tmp_path: Path) -> None:
    path = tmp_path / "sim.db"
    create_demo_database(path, seed=5, now=NOW)
    before = counts(path)
    report = run_simulation(path, rate=1000, steps=80, seed=11, clock=StepClock())
    after = counts(path)
    assert report.changes > 30, report
    assert {"take", "finish", "comment"} <= set(report.counts), report
    assert after["comments"] > before["comments"] and after["events"] > before["events"]
    source = open_source(path, user="ann")
    try:
        assert source.health().healthy
    finally:
        source.close()


def test_the_same_seed_writes_the_same(tmp_path: Path) -> None:
    first, second = tmp_path / "one.db", tmp_path / "two.db"
    create_demo_database(first, seed=5, now=NOW)
    shutil.copy(first, second)
    one = run_simulation(first, rate=1000, steps=40, seed=3, clock=StepClock())
    two = run_simulation(second, rate=1000, steps=40, seed=3, clock=StepClock())
    assert one.log == two.log
    assert counts(first) == counts(second)

"""The demo store and the simulated agent: the demo builds quickly with episodes in every
status (two stalled); the simulator adds steps, starts and ends episodes and uses
patterns, one write each, timestamped by an injected clock, and leaves stalled episodes
alone for a person to mark failed."""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from contextlib import closing
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.sources.episodes.kind import EPISODES
from ringmaster_tui.sources.episodes.sim.demo import create_demo_database
from ringmaster_tui.sources.episodes.sim.simulator import run_simulation
from ringmaster_tui.sources.registry import open_source
from tests.builders import NOW


def statuses(db: Path) -> Counter[str]:
    with closing(sqlite3.connect(db)) as conn:
        return Counter(dict(conn.execute("SELECT status, count(*) FROM episodes GROUP BY status")))


def test_the_demo_has_every_status_and_two_stalled_episodes(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    started = time.monotonic()
    EPISODES.create_demo(db, seed=3, repo_root=tmp_path)
    assert time.monotonic() - started < 2.0  # the contract test builds it several times
    assert statuses(db) == {"active": 6, "completed": 22, "failed": 8, "archived": 6}
    source = open_source(db, user="ann")
    try:
        assert source.health().healthy
        live = source.snapshot(BoardQuery(lists=frozenset({"loops"})), datetime.now(UTC))
        assert live.tables["loops"].summary.endswith("· 2 stalled")
    finally:
        source.close()


def test_the_simulator_writes_steps_episodes_and_patterns_on_its_clock(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    create_demo_database(db, seed=5, now=NOW)
    with closing(sqlite3.connect(db)) as conn:
        stalled_before = conn.execute(
            "SELECT id, (SELECT count(*) FROM steps WHERE episode_id = e.id) FROM episodes e "
            "WHERE status = 'active' AND id NOT IN (SELECT episode_id FROM steps "
            "WHERE timestamp > ?)",
            ((NOW - timedelta(minutes=10)).strftime("%Y-%m-%d %H:%M:%S"),),
        ).fetchall()
        steps_before = conn.execute("SELECT count(*) FROM steps").fetchone()[0]
    assert len(stalled_before) == 2
    ticks = count()
    report = run_simulation(
        db,
        rate=1000,
        seed=11,
        steps_to_make=150,
        clock=lambda: NOW + timedelta(seconds=next(ticks)),
    )
    assert report.changes == 150
    kinds = {entry.split(" ", 1)[0] for entry in report.log}
    assert {"step", "start", "used"} <= kinds
    assert kinds & {"completed", "failed"}
    with closing(sqlite3.connect(db)) as conn:
        steps_after = conn.execute("SELECT count(*) FROM steps").fetchone()[0]
        latest = conn.execute("SELECT max(timestamp) FROM steps").fetchone()[0]
        stalled_after = conn.execute(
            "SELECT id, (SELECT count(*) FROM steps WHERE episode_id = e.id) FROM episodes e "
            "WHERE id IN (?, ?)",
            (stalled_before[0][0], stalled_before[1][0]),
        ).fetchall()
        used = conn.execute(
            "SELECT count(*) FROM patterns WHERE last_used >= ?", ("2026-01-15 12:00:00",)
        ).fetchone()[0]
    assert steps_after > steps_before + 50
    assert latest <= "2026-01-15 12:02:30"  # the injected clock, not the real one
    assert sorted(stalled_after) == sorted(stalled_before)  # left alone
    assert used > 0


def test_the_same_seed_makes_the_same_changes(tmp_path: Path) -> None:
    logs = []
    for name in ("a.db", "b.db"):
        db = tmp_path / name
        create_demo_database(db, seed=5, now=NOW)
        ticks = count()
        report = run_simulation(
            db,
            rate=1000,
            seed=2,
            steps_to_make=40,
            clock=lambda t=ticks: NOW + timedelta(seconds=next(t)),
        )
        logs.append(report.log)
    assert logs[0] == logs[1]

"""The simulator plays Ralph's orchestrator: stories move through the workflow with their
executions, gates, commits and logs, and a paused project is left alone."""

from __future__ import annotations

import random
import sqlite3
import threading
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

from ringmaster_tui.sources.base import SimulationRequest
from ringmaster_tui.sources.ralph.kind import RALPH
from ringmaster_tui.sources.ralph.sim.world import World
from tests.builders import NOW
from tests.sources.ralph.ralph_db import build_ralph_db


def _statuses(conn: sqlite3.Connection, project: int) -> list[tuple[int, str]]:
    return conn.execute(
        "SELECT s.id, s.status FROM stories s JOIN features f ON f.id = s.feature_id"
        " WHERE f.project_id = ? ORDER BY s.id",
        (project,),
    ).fetchall()


def test_steps_move_running_projects_and_leave_paused_ones(tmp_path: Path) -> None:
    path = build_ralph_db(tmp_path / "r.db")
    ticks = [NOW]

    def clock() -> datetime:
        ticks[0] += timedelta(minutes=1)
        return ticks[0]

    with closing(sqlite3.connect(path)) as conn:
        paused_before = _statuses(conn, 2)
        running_before = _statuses(conn, 1)
        world = World(conn, random.Random(5), clock)
        moved = sum(world.step() for _ in range(40))
        conn.commit()
        assert moved > 0
        assert _statuses(conn, 2) == paused_before
        assert _statuses(conn, 1) != running_before
        history = conn.execute("SELECT count(*) FROM story_history").fetchone()[0]
        gates = conn.execute("SELECT count(*) FROM quality_gate_results").fetchone()[0]
        assert history > 2 and gates > 2
        commits = conn.execute("SELECT commit_hash FROM git_commits").fetchall()
        assert len(commits) > 1 and all(len(sha) == 40 for (sha,) in commits)


def test_simulate_writes_until_stopped(tmp_path: Path) -> None:
    path = build_ralph_db(tmp_path / "r.db")
    stop = threading.Event()

    def stop_once_written() -> None:
        with closing(sqlite3.connect(path)) as conn:
            while not stop.wait(0.05):
                count = conn.execute("SELECT count(*) FROM story_history").fetchone()[0]
                if count >= 6:
                    stop.set()

    watcher = threading.Thread(target=stop_once_written)
    watcher.start()
    report = RALPH.simulate(path, SimulationRequest(rate=200.0, stop=stop, seed=2, duration=60))
    watcher.join()
    assert report.startswith("Ralph simulator:") and "step(s)" in report

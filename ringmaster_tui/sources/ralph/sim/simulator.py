"""`simulate --source ralph`: write to a Ralph database as its orchestrator would, one
story step per change (see world.py), until asked to stop."""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path

from ringmaster_tui.domain.timefmt import utc_now
from ringmaster_tui.sources.base import SimulationRequest
from ringmaster_tui.sources.ralph.sim.world import World

BUSY_TIMEOUT_SECONDS = 5.0
# A step that finds nothing to move waits this long before looking again.
IDLE_SECONDS = 0.5


def run_simulation(path: Path, request: SimulationRequest) -> str:
    rng = random.Random(request.seed)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    world = World(conn, rng, utc_now, repo_root=request.repo_root)
    interval = 1.0 / request.rate if request.rate > 0 else 1.0
    deadline = None if request.duration is None else time.monotonic() + request.duration
    steps = 0
    try:
        while not request.stop.is_set():
            if deadline is not None and time.monotonic() >= deadline:
                break
            conn.execute("BEGIN IMMEDIATE")
            try:
                moved = world.step()
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            steps += moved
            request.stop.wait(interval if moved else max(interval, IDLE_SECONDS))
    finally:
        conn.close()
    done = ", ".join(f"{n} {what}" for what, n in sorted(world.counts.items())) or "nothing"
    return f"Ralph simulator: {steps} step(s) on {path} ({done})"

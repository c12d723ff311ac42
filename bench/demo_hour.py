"""The demo's simulator for simulated hours, on a SimulatedClock: how the board flows.

    python bench/demo_hour.py [--rate 3] [--hours 1] [--seed 7]

Builds the demo database, steps the simulator at --rate changes per simulated second
and reads the board after every step. Prints, per lane, the fewest and most cards it
held after a two-minute warm-up; the fewest loops; how many cards arrived, finished and
were archived; the decisions asked, decided and run out; the moves the simulator made
standing in for a person; and the machine's seconds per simulated hour.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
import time
from collections import Counter
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ringmaster_tui.domain.timefmt import sqlite_timestamp
from ringmaster_tui.sources.ringmaster import workflow as sm
from ringmaster_tui.sources.ringmaster.sim.clock import SimulatedClock
from ringmaster_tui.sources.ringmaster.sim.demo import create_demo_database
from ringmaster_tui.sources.ringmaster.sim.simulator import Simulation

START = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
WARM_UP = timedelta(minutes=2)
LANE_OF = {state: lane.name for lane in sm.LANES for state in lane.states}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=3.0, help="the demo's default: 3")
    parser.add_argument("--hours", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="demo-hour-"))
    db = folder / "demo.db"
    create_demo_database(db, seed=args.seed, now=START)
    clock = SimulatedClock(START)
    end = START + timedelta(hours=args.hours)
    fewest: Counter[str] = Counter({lane.name: 10**6 for lane in sm.LANES})
    most: Counter[str] = Counter()
    started = time.perf_counter()
    with (
        closing(sqlite3.connect(db)) as watcher,
        Simulation(db, seed=args.seed, clock=clock) as simulation,
    ):
        while clock.now() < end:
            simulation.step()
            clock.advance(1 / args.rate)
            if clock.now() - START < WARM_UP:
                continue
            held: Counter[str] = Counter()
            for state, count in watcher.execute("SELECT state, count(*) FROM cards GROUP BY state"):
                if state != sm.ARCHIVED:
                    held[LANE_OF.get(state, "OTHER")] += count
            for lane in sm.LANES:
                fewest[lane.name] = min(fewest[lane.name], held[lane.name])
                most[lane.name] = max(most[lane.name], held[lane.name])
        report = simulation.report()
    seconds = time.perf_counter() - started
    since = sqlite_timestamp(START)

    def one(sql: str) -> int:
        with closing(sqlite3.connect(db)) as conn:
            return int(conn.execute(sql, (since,)).fetchone()[0])

    print(f"{args.hours:g} simulated hour(s) at {args.rate:g} changes/s, seed {args.seed}")
    for lane in sm.LANES:
        print(f"  {lane.name:<9} fewest {fewest[lane.name]:>3}  most {most[lane.name]:>3}")
    print(f"  fewest loops (coding + error_fixing): {fewest['CODING']}")
    print(f"  cards arrived: {one('SELECT count(*) FROM cards WHERE created_at >= ?')}")
    moved_to = "SELECT count(*) FROM state_transitions WHERE created_at >= ? AND to_state = "
    for state in (sm.COMPLETED, sm.FAILED, sm.ARCHIVED):
        print(f"  cards moved to {state}: {one(moved_to + repr(state))}")
    asked = "SELECT count(*) FROM decisions WHERE requested_at >= ?"
    decided = one(asked + " AND status = 'decided'")
    ran_out = one(asked + " AND status = 'auto_resolved'")
    print(f"  decisions asked {one(asked)}, decided {decided}, ran out {ran_out}")
    print(f"  moves standing in for a person: {report.stand_in_moves}")
    print(f"  steps: {len(report.log)} ({report.idle} idle)")
    print(f"  machine time: {seconds:.1f} s per {args.hours:g} simulated hour(s)")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

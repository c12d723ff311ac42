"""What a key costs the app's main thread, headless, on the demo board (no writer).

    python bench/key_cost_bench.py [--presses 60]

Each key is posted to the app, which then runs 120 ms on its own (a frame and more); the
figures are the main thread's CPU time and the Python calls it made meanwhile, per key,
as median (and lowest) over --presses presses. The calls count the same work the same
way whatever else the machine does; CPU time moves with the machine's load. The floor is
a key bound to nothing, measured the same way in the same run. Headless, Textual still
lays out and composes each frame but writes no escape sequences: the live benchmark
(live_bench.py) has the figures as a person sees them.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

from textual import events

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ringmaster_tui.config import Settings  # noqa: E402
from ringmaster_tui.sources.registry import open_source  # noqa: E402
from ringmaster_tui.sources.ringmaster.sim.demo import create_demo_database  # noqa: E402
from ringmaster_tui.ui.app import RingmasterApp  # noqa: E402

FRAME_WAIT = 0.12
# Each figure: a name, and the keys pressed in turn (key, character).
KEYS: tuple[tuple[str, tuple[tuple[str, str | None], ...]], ...] = (
    ("a key bound to nothing (the floor)", (("f12", None),)),
    ("`l` / `h`: a lane move", (("l", "l"), ("h", "h"))),
    ("`j` / `k`: a card down, up", (("j", "j"), ("k", "k"))),
    ("`?` / escape: help shown, closed", (("question_mark", "?"), ("escape", None))),
)


async def press_costs(
    app: RingmasterApp, keys: tuple[tuple[str, str | None], ...], presses: int, *, count: bool
) -> list[float]:
    """Per press: the main thread's CPU ms, or (`count`) its Python calls, counted apart
    since counting them slows the thread down."""
    figures: list[float] = []
    for n in range(presses):
        key, character = keys[n % len(keys)]
        profile = cProfile.Profile()
        started = time.thread_time()
        if count:
            profile.enable()
        app.post_message(events.Key(key, character))
        await asyncio.sleep(FRAME_WAIT)
        if count:
            profile.disable()
            figures.append(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]
        else:
            figures.append((time.thread_time() - started) * 1000)
    return figures


async def measure(presses: int) -> list[tuple[str, list[float], list[float]]]:
    work = Path(tempfile.mkdtemp(prefix="key-cost-"))
    db = work / "demo.db"
    create_demo_database(db)
    source = open_source(db, read_only=False, user="bench")
    settings = Settings(db=str(db), user="bench", read_only=False, bell=False)
    app = RingmasterApp(source, settings, animate=False, live=False)
    results = []
    async with app.run_test(size=(120, 40)) as pilot:
        while app.snapshot is None or app.dashboard.board.selected_card is None:
            await pilot.pause(0.05)
        await asyncio.sleep(1.0)  # the first paint's follow-ups (footer, collector) done
        for name, keys in KEYS:
            cpu = await press_costs(app, keys, presses, count=False)
            calls = await press_costs(app, keys, presses, count=True)
            results.append((name, cpu, calls))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=60)
    args = parser.parse_args()
    results = asyncio.run(measure(args.presses))
    floor_cpu = statistics.median(results[0][1])
    floor_calls = statistics.median(results[0][2])
    print(f"main thread per key, headless, demo board at 120x40, {args.presses} presses:")
    for name, cpu, calls in results:
        print(
            f"  {name}: CPU median {statistics.median(cpu):.1f} ms (lowest {min(cpu):.1f}), "
            f"{statistics.median(calls) / 1000:.1f}k calls; "
            f"{statistics.median(cpu) - floor_cpu:+.1f} ms, "
            f"{(statistics.median(calls) - floor_calls) / 1000:+.1f}k calls over the floor"
        )


if __name__ == "__main__":
    main()

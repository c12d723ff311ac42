"""How long one snapshot load takes on a big database against a small one, same run.

    python bench/loader_bench.py [--cache DIR] [--repeat 30]

Big: 100,000 cards and 1,000,000 transitions (plus attempts, errors, alerts, decisions
at bench/generate.py's defaults); small: 200 cards with history in the same proportion.
Generated databases are kept in --cache and reused.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

# Run as a script, bench/ is on the import path and generate.py is a neighbour.
from generate import BIG, generate

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.sources.registry import open_source

SMALL = {name: max(1, count * 200 // 100_000) for name, count in BIG.items()}
# The small board with the big one's history: what is shown stays, history grows.
SMALL_LONG_HISTORY = {**BIG, "cards": 200}


def database(cache: Path, name: str, sizes: dict[str, int]) -> Path:
    path = cache / f"{name}.db"
    if not path.exists():
        started = time.perf_counter()
        generate(path, **sizes)
        print(f"generated {name}: {sizes} in {time.perf_counter() - started:.1f} s")
    return path


def time_loads(path: Path, repeat: int, query: BoardQuery) -> list[float]:
    source = open_source(path, user="bench")
    now = datetime.now(UTC)
    source.snapshot(query, now)  # warm the page cache, as a running dashboard has it
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        source.snapshot(query, now)
        timings.append(time.perf_counter() - started)
    source.close()
    return timings


def describe(timings: list[float]) -> str:
    ordered = sorted(timings)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"median {statistics.median(ordered) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/ringmaster-tui-bench"))
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    small = database(args.cache, "small", SMALL)
    big = database(args.cache, "big", BIG)
    history = database(args.cache, "small-long-history", SMALL_LONG_HISTORY)
    for label, query in (
        ("board", BoardQuery()),
        ("board, one project", BoardQuery(project_id="p3")),
        ("board, text filter", BoardQuery(text="billing")),
    ):
        small_t = time_loads(small, args.repeat, query)
        big_t = time_loads(big, args.repeat, query)
        history_t = time_loads(history, args.repeat, query)
        median_small = statistics.median(small_t)
        print(f"{label}")
        print(f"  small (200 cards)                 {describe(small_t)}")
        print(f"  big (100,000 cards, 1M trans.)    {describe(big_t)}")
        print(f"  200 cards with the big history    {describe(history_t)}")
        print(f"  big / small (median)              {statistics.median(big_t) / median_small:.2f}x")
        print(
            f"  long history / small (median)     "
            f"{statistics.median(history_t) / median_small:.2f}x"
        )


if __name__ == "__main__":
    main()

"""What counting each list's matches costs, beside reading the list itself, on a big database.

    python bench/list_counts_bench.py [--cache DIR] [--repeat 20]

One database: 100,000 cards, 100,000 errors, 10,000 alerts, 5,000 decisions (a short
history: the counts do not read it). For each list view, plain and with a text filter
(which folds case beyond ASCII), it prints the time of one snapshot of that view alone,
and of its count alone, both inside one read transaction as the dashboard makes them.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

# Run as a script, bench/ is on the import path and generate.py is a neighbour.
from generate import generate

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.sources.ringmaster.loader import SnapshotReader

SIZES = {
    "cards": 100_000,
    "transitions": 10_000,
    "attempts": 20_000,
    "errors": 100_000,
    "alerts": 10_000,
    "decisions": 5_000,
}
VIEWS: dict[str, tuple[BoardQuery, BoardQuery]] = {
    "loops": (BoardQuery(), BoardQuery(loop_text="Ärger")),
    "errors": (BoardQuery(), BoardQuery(error_text="assertion")),
    "decisions": (BoardQuery(show_decided=True), BoardQuery(decision_text="DECISION")),
    "alerts": (BoardQuery(show_acknowledged=True), BoardQuery(alert_text="alert")),
}


def database(cache: Path) -> Path:
    path = cache / "list-counts.db"
    if not path.exists():
        started = time.perf_counter()
        generate(path, **SIZES)
        print(f"generated {SIZES} in {time.perf_counter() - started:.1f} s")
    return path


def median_ms(run: Callable[[], None], repeat: int) -> str:
    run()  # warm the page cache, as a running dashboard has it
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return f"{statistics.median(timings) * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/ringmaster-tui-bench"))
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    source = open_source(database(args.cache), user="bench")
    now = datetime.now(UTC)
    print(f"{'view':<10} {'filter':<8} {'snapshot':>10} {'count':>10}  matching")
    for view, queries in VIEWS.items():
        for label, plain in zip(("none", "text"), queries, strict=True):
            query = plain.model_copy(update={"lists": frozenset({view}), "list_limit": 72})

            def snapshot(query: BoardQuery = query) -> None:
                source.snapshot(query, now)

            def count(query: BoardQuery = query) -> None:
                with source.engine.read() as conn:
                    SnapshotReader(conn, query, now).list_counts()

            with source.engine.read() as conn:
                matching = SnapshotReader(conn, query, now).list_counts()[view].matching
            print(
                f"{view:<10} {label:<8} {median_ms(snapshot, args.repeat):>10} "
                f"{median_ms(count, args.repeat):>10}  {matching:,}"
            )
    source.close()


if __name__ == "__main__":
    main()

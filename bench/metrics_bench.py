"""How long the metrics view's read takes on a big database against a small one, same run.

    python bench/metrics_bench.py [--cache DIR] [--repeat 10]

The databases of bench/loader_bench.py (100,000 cards, 1,000,000 transitions, 300,000
attempts; and 200 cards), each copied once with a week of prompt metrics added (50,000
rows on the big one, 1,000 on the small one), kept in --cache and reused.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Run as a script, bench/ is on the import path and loader_bench.py is a neighbour.
from loader_bench import BIG, SMALL, database, describe

from ringmaster_tui.domain.timefmt import sqlite_timestamp
from ringmaster_tui.sources.registry import open_source

LAYERS = ("system", "project", "card", "history", "errors", "tools")


def with_prompt_metrics(cache: Path, name: str, sizes: dict[str, int], rows: int) -> Path:
    path = cache / f"{name}-metrics.db"
    if path.exists():
        return path
    shutil.copyfile(database(cache, name, sizes), path)
    rnd = random.Random(7)
    now = datetime.now(UTC)
    conn = sqlite3.connect(path, isolation_level=None)
    card_ids = [r[0] for r in conn.execute("SELECT id FROM cards ORDER BY rowid LIMIT 5000")]
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO prompt_metrics (id, card_id, layer_name, tokens_added, "
        "processing_time_ms, cache_hit, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (
                f"pm-{n}",
                rnd.choice(card_ids),
                rnd.choice(LAYERS),
                rnd.randint(10, 4000),
                rnd.randint(1, 900),
                int(rnd.random() < 0.6),
                sqlite_timestamp(now - timedelta(days=7) * rnd.random()),
            )
            for n in range(rows)
        ),
    )
    conn.execute("COMMIT")
    conn.close()
    return path


def time_reads(path: Path, repeat: int, project_id: str | None) -> list[float]:
    source = open_source(path, user="bench")
    now = datetime.now(UTC)
    source.metrics(project_id, now)  # warm the page cache, as a running dashboard has it
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        source.metrics(project_id, now)
        timings.append(time.perf_counter() - started)
    source.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/ringmaster-tui-bench"))
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    small = with_prompt_metrics(args.cache, "small", SMALL, 1_000)
    big = with_prompt_metrics(args.cache, "big", BIG, 50_000)
    for label, project_id in (("all projects", None), ("one project", "p3")):
        small_t = time_reads(small, args.repeat, project_id)
        big_t = time_reads(big, args.repeat, project_id)
        print(f"metrics, {label}")
        print(f"  small (200 cards)                  {describe(small_t)}")
        print(f"  big (100,000 cards, 1M trans.)     {describe(big_t)}")
        ratio = statistics.median(big_t) / statistics.median(small_t)
        print(f"  big / small (median)               {ratio:.2f}x")


if __name__ == "__main__":
    main()

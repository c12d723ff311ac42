"""How long an episodes snapshot takes: on the demo store, and on a generated one with
100,000 episodes and 2,000,000 steps (the figures the issue asks for).

    python bench/episodes_bench.py [--episodes N] [--steps N] [--runs N] [--keep PATH]
                                   [--postgresql]

With --postgresql the big store's rows are also copied into a throwaway PostgreSQL
server (tests/postgres/cluster.py, Debian's binaries), ANALYZEd, and the same reads timed
there, beside the SQLite figures.

The big store is generated with executemany in one transaction (about a minute here);
then each kind of read is timed several times and its median printed, in milliseconds.
`generate` is also what tests/sources/episodes/test_query_plans.py builds its store with.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ringmaster_tui.domain.snapshot import BoardQuery  # noqa: E402
from ringmaster_tui.domain.timefmt import sqlite_timestamp  # noqa: E402
from ringmaster_tui.engines import open_engine  # noqa: E402
from ringmaster_tui.sources.episodes.schema import schema_sql  # noqa: E402
from ringmaster_tui.sources.episodes.sim import texts  # noqa: E402
from ringmaster_tui.sources.episodes.sim.demo import create_demo_database  # noqa: E402
from ringmaster_tui.sources.episodes.source import EpisodesSource  # noqa: E402

NOW = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)
# Of every 100 episodes: this many active, completed, failed, archived.
STATUS_MIX = (("active", 1), ("completed", 70), ("failed", 20), ("archived", 9))
DOMAINS = tuple(f"{d}-{n}" for d in texts.DOMAINS for n in range(8))  # 40 domains
BATCH = 50_000


def generate(
    path: Path, *, episodes: int, steps: int, patterns: int = 2000, now: datetime = NOW
) -> None:
    """A store of `episodes` episodes with `steps` steps in all, in one transaction."""
    rnd = random.Random(4)
    statuses = [status for status, n in STATUS_MIX for _ in range(n)]
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(schema_sql())
    # A bulk load: no WAL copy of every page, and the indexes built once at the end
    # (sorted) rather than row by row; the store ends as the schema makes it.
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA synchronous = OFF")
    indexes = [
        (name, sql)
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        )
    ]
    conn.execute("BEGIN")
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    per_episode = steps / episodes
    span = timedelta(days=90).total_seconds()

    def episode_rows() -> Iterator[tuple[object, ...]]:
        for n in range(episodes):
            status = statuses[n % len(statuses)]
            # Oldest first, the active ones recent (they are still running).
            age = span * (1 - n / episodes) if status != "active" else rnd.uniform(60, 3000)
            started = now - timedelta(seconds=age)
            yield (
                f"e{n}",
                texts.TASK_TYPES[n % len(texts.TASK_TYPES)],
                DOMAINS[n % len(DOMAINS)],
                f"{texts.TASKS[texts.DOMAINS[n % 5]][n % 3]} (episode {n})",
                status,
                None if status == "active" else round(rnd.random(), 3),
                sqlite_timestamp(started),
                None if status == "active" else sqlite_timestamp(started + timedelta(minutes=30)),
                json.dumps({"agent": "memory-agent", "run": n}),
                "v2",
            )

    conn.executemany("INSERT INTO episodes VALUES (?,?,?,?,?,?,?,?,?,?)", episode_rows())

    def step_rows() -> Iterator[tuple[object, ...]]:
        made = 0
        for n in range(episodes):
            count = round(per_episode * (n + 1)) - made
            made += count
            first = now - timedelta(seconds=span * (1 - n / episodes))
            for k in range(1, count + 1):
                ok = rnd.random() < 0.8
                yield (
                    f"e{n}-{k}",
                    f"e{n}",
                    k,
                    "run_tests" if k % 3 else "edit_file src/app.py",
                    "48 passed" if ok else "3 failed",
                    rnd.randint(200, 60_000),
                    int(ok),
                    sqlite_timestamp(first + timedelta(seconds=40 * k)),
                )

    rows = step_rows()
    while batch := [row for _, row in zip(range(BATCH), rows, strict=False)]:
        conn.executemany("INSERT INTO steps VALUES (?,?,?,?,?,?,?,?)", batch)
    conn.executemany(
        "INSERT INTO patterns VALUES (?,?,?,?,?,?,?,?)",
        (
            (
                f"p{n}",
                texts.PATTERN_TYPES[n % 4],
                json.dumps({"domain": DOMAINS[n % len(DOMAINS)], "n": n}),
                round(rnd.random(), 3),
                rnd.randint(0, 500),
                sqlite_timestamp(now - timedelta(minutes=n)),
                sqlite_timestamp(now - timedelta(days=30)),
                "{}",
            )
            for n in range(patterns)
        ),
    )
    conn.executemany(
        "INSERT INTO embeddings VALUES (?,?,?,?,?,?)",
        (
            (f"m{n}", f"e{n * 7 % episodes}", "chunk", b"\0" * 128, "nomic-embed-text", None)
            for n in range(episodes // 2)
        ),
    )
    for _, sql in indexes:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()


def median_ms(run: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(path: Path | str, runs: int, domain: str) -> dict[str, float]:
    source = EpisodesSource(open_engine(path, read_only=True), "bench", clock=lambda: NOW)
    lists = {"live": "loops", "patterns": "patterns", "problems": "problems"}
    queries: dict[str, BoardQuery] = {
        "board": BoardQuery(per_lane=30, lists=frozenset()),
        "board, one domain": BoardQuery(per_lane=30, project_id=domain, lists=frozenset()),
        "board, text filter": BoardQuery(per_lane=30, text="login", lists=frozenset()),
        "board, archived shown": BoardQuery(per_lane=30, show_archived=True, lists=frozenset()),
        **{
            f"board + {name}": BoardQuery(per_lane=30, list_limit=60, lists=frozenset({view}))
            for name, view in lists.items()
        },
    }
    try:
        figures = {
            name: median_ms(lambda q=query: source.snapshot(q, NOW), runs)
            for name, query in queries.items()
        }
        card = source.snapshot(queries["board"], NOW).lanes[0].cards[0].id
        figures["episode detail"] = median_ms(lambda: source.card_detail(card, NOW), runs)
    finally:
        source.close()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=100_000)
    parser.add_argument("--steps", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="generate the big store here and keep it")
    parser.add_argument(
        "--postgresql", action="store_true", help="time the big store on PostgreSQL too"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        small = Path(folder) / "demo.db"
        create_demo_database(small, seed=7, now=NOW)
        big = args.keep or Path(folder) / "big.db"
        if not big.exists():
            started = time.perf_counter()
            generate(big, episodes=args.episodes, steps=args.steps)
            print(
                f"generated {args.episodes:,} episodes and {args.steps:,} steps "
                f"in {time.perf_counter() - started:.1f} s ({big.stat().st_size / 2**20:.0f} MiB)"
            )
        small_figures = measure(small, args.runs, "auth")
        big_figures = measure(big, args.runs, DOMAINS[3])
        pg_figures = measure_postgresql(big, args.runs) if args.postgresql else {}
    print(f"\nsnapshot, median of {args.runs} (ms)   demo store   {args.episodes:,} episodes")
    for name, small_ms in small_figures.items():
        on_pg = f"   {pg_figures[name]:>10.1f} on PostgreSQL" if pg_figures else ""
        print(f"  {name:<28} {small_ms:>10.1f}   {big_figures[name]:>10.1f}{on_pg}")
    return 0


def measure_postgresql(big: Path, runs: int) -> dict[str, float]:
    """The big store's rows in a throwaway PostgreSQL server, ANALYZEd; its figures."""
    from ringmaster_tui.sources.episodes.kind import EPISODES
    from ringmaster_tui.sources.registry import create_source_database
    from tests.postgres.cluster import start_cluster
    from tests.postgres.data import copy_sqlite_into, vacuum_until_all_visible

    cluster = start_cluster()
    try:
        url = cluster.url(cluster.new_database("episodes_bench"), password="postgres")
        create_source_database(url, EPISODES)
        started = time.perf_counter()
        copy_sqlite_into(big, url)
        vacuum_until_all_visible(url)  # as autovacuum keeps a server's tables
        print(f"copied into PostgreSQL and analyzed in {time.perf_counter() - started:.1f} s")
        return measure(url, runs, DOMAINS[3])
    finally:
        cluster.stop()


if __name__ == "__main__":
    raise SystemExit(main())

"""PostgreSQL against SQLite, same data, same run; and a writer with dashboards attached.

    python bench/postgres_bench.py [--cards 100000] [--repeat 15] [--seconds 5] [--rate 1000]

Starts a throwaway PostgreSQL server (tests/postgres/cluster.py; Debian's binaries, as
the `postgres` user when run as root). Prints:
- a snapshot's time (median and p95 of --repeat, after a warm-up) on --cards Ringmaster
  cards, on SQLite and on PostgreSQL, the same rows in both (bench/generate.py's SQLite
  database copied into PostgreSQL with COPY), and their ratio: PostgreSQL as filled
  (analyzed, no page all-visible yet) and vacuumed until every page is all-visible (as
  autovacuum keeps a server's tables), SQLite before and after;
- a writer process's commits per second (one small UPDATE and one audit INSERT each, as
  an orchestrator moving a card) with 0, 1 and 10 loaders attached, as ratios of the
  figure with none, twice: the writer aiming at --rate commits per second (paced, catching
  up without pause when behind) and as fast as it can. A loader is a process doing what
  a dashboard's does: the change feed (polling the server's snapshot) and, on each
  change, one snapshot read, paced as the app paces its loads (live/pacing.py).
Takes 2-4 minutes on the 2-core machine (most of it generating the data).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from ringmaster_tui.domain.snapshot import BoardQuery  # noqa: E402
from ringmaster_tui.live.pacing import pause_between_loads  # noqa: E402
from ringmaster_tui.sources.registry import create_source_database, open_source  # noqa: E402
from ringmaster_tui.sources.ringmaster.kind import RINGMASTER  # noqa: E402
from tests.postgres.cluster import start_cluster  # noqa: E402
from tests.postgres.data import copy_sqlite_into, pg_engine, vacuum_until_all_visible  # noqa: E402
from tests.sources.plans import bench_generator  # noqa: E402

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def _timings(target: str | Path, repeat: int) -> list[float]:
    source = open_source(target, user="bench")
    try:
        source.snapshot(BoardQuery(), NOW)  # warm: caches, statements, the server's buffers
        found = []
        for _ in range(repeat):
            start = time.perf_counter()
            source.snapshot(BoardQuery(), NOW)
            found.append(time.perf_counter() - start)
        return found
    finally:
        source.close()


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _figures(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.1f} ms, p95 {_p95(values) * 1000:.1f} ms"


def _loader(url: str, stop: Any, loads: Any, ready: Any) -> None:
    """One dashboard's loader: the change feed, and a paced snapshot after each change."""
    source = open_source(url, user="watcher", read_only=True)
    changed = threading.Event()
    feed = source.change_feed(changed.set)
    feed.start()
    source.snapshot(BoardQuery(), NOW)
    with ready.get_lock():
        ready.value += 1
    try:
        while not stop.is_set():
            if not changed.wait(0.1):
                continue
            changed.clear()
            start = time.perf_counter()
            source.snapshot(BoardQuery(), NOW)
            took = time.perf_counter() - start
            with loads.get_lock():
                loads.value += 1
            time.sleep(pause_between_loads(took, 0, 0))
    finally:
        feed.stop()
        source.close()


def _writer(url: str, seconds: float, rate: float, result: Any) -> None:
    """Commits as an orchestrator does for `seconds`: aiming at `rate` a second (0: as
    fast as it can); when behind, it commits without pause until it has caught up."""
    engine = pg_engine(url)
    with engine.connect() as conn:
        ids = [
            row[0]
            for row in conn.exec_driver_sql("SELECT id FROM cards WHERE state = 'coding' LIMIT 200")
        ]
    update = sa.text("UPDATE cards SET loop_iteration = loop_iteration + 1 WHERE id = :id")
    audit = sa.text(
        "INSERT INTO state_transitions (card_id, from_state, to_state, trigger) "
        "VALUES (:id, 'coding', 'coding', 'heartbeat')"
    )
    count = 0
    with engine.connect() as conn:
        started = time.perf_counter()
        deadline = started + seconds
        while (now := time.perf_counter()) < deadline:
            if rate and (due := started + count / rate) > now:
                time.sleep(due - now)
            card = ids[count % len(ids)]
            with conn.begin():
                conn.execute(update, {"id": card})
                conn.execute(audit, {"id": card})
            count += 1
    engine.dispose()
    result.value = count / seconds


def _throughput(url: str, loaders: int, seconds: float, rate: float) -> tuple[float, int]:
    ctx = mp.get_context("spawn")
    stop = ctx.Event()
    loads = ctx.Value("i", 0)
    ready = ctx.Value("i", 0)
    workers = [ctx.Process(target=_loader, args=(url, stop, loads, ready)) for _ in range(loaders)]
    for worker in workers:
        worker.start()
    while ready.value < loaders:  # each has imported, connected and loaded once
        time.sleep(0.1)
    time.sleep(1.0)  # and settled
    with loads.get_lock():
        loads.value = 0
    result = ctx.Value("d", 0.0)
    writer = ctx.Process(target=_writer, args=(url, seconds, rate, result))
    writer.start()
    writer.join()
    stop.set()
    for worker in workers:
        worker.join(10)
    return float(result.value), int(loads.value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rate", type=float, default=1000.0, help="the paced writer's aim")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="pg-bench-"))
    cluster = start_cluster()
    try:
        path = work / "big.db"
        start = time.perf_counter()
        scale = args.cards / 100_000
        bench_generator("generate.py")(
            path,
            cards=args.cards,
            transitions=int(300_000 * scale),
            attempts=int(150_000 * scale),
            errors=int(50_000 * scale),
            alerts=int(10_000 * scale),
            decisions=1000,
            now=NOW,
        )
        print(f"generated {args.cards:,} cards in {time.perf_counter() - start:.0f} s")
        url = cluster.url(cluster.new_database("bench"), password="postgres")
        start = time.perf_counter()
        create_source_database(url, RINGMASTER)
        copied = copy_sqlite_into(path, url)
        engine = pg_engine(url)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
        engine.dispose()
        print(
            f"copied {sum(copied.values()):,} rows to PostgreSQL "
            f"in {time.perf_counter() - start:.0f} s"
        )

        lite = _timings(path, args.repeat)
        fresh = _timings(url, args.repeat)  # no page all-visible yet: as filled
        vacuum_until_all_visible(url)  # as autovacuum keeps a server's tables
        pg = _timings(url, args.repeat)
        lite_again = _timings(path, args.repeat)  # the machine's drift, if any
        print(f"snapshot, {args.cards:,} cards, median and p95 of {args.repeat}:")
        print(f"  SQLite {_figures(lite)}; again after PostgreSQL's runs {_figures(lite_again)}")
        print(f"  PostgreSQL, vacuumed (every page all-visible): {_figures(pg)}")
        print(f"  PostgreSQL, as filled (analyzed, not yet vacuumed): {_figures(fresh)}")
        baseline = statistics.median(lite + lite_again)
        print(
            f"  ratio PostgreSQL/SQLite: {statistics.median(pg) / baseline:.2f} vacuumed, "
            f"{statistics.median(fresh) / baseline:.2f} as filled"
        )

        for aim in (args.rate, 0.0):
            label = f"aiming at {aim:,.0f}/s" if aim else "as fast as it can"
            alone, _ = _throughput(url, 0, args.seconds, aim)
            print(f"writer {label}, alone: {alone:,.0f} commits/s")
            for loaders in (1, 10):
                rate, loads = _throughput(url, loaders, args.seconds, aim)
                print(
                    f"writer {label}, {loaders} loader(s): {rate:,.0f} commits/s, "
                    f"ratio {rate / alone:.2f} ({loads / args.seconds:.1f} loads/s in all)"
                )
    finally:
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)  # the generated SQLite file: ~170 MB


if __name__ == "__main__":
    main()

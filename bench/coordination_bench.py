"""Snapshot time of the coordination source, on a small database and on a big one.

    python -m bench.coordination_bench [--tests 100000] [--events 1000000] [--runs 15]

The small database is the demo (57 tests, 160 events). The big one has `--tests` tests
over 20 loops (most passed, as after a long run) and `--events` events (99% of them
acknowledged), with the usage, passing history, locks and waits that go with them,
generated with plain sqlite3 in one transaction (executemany). Each query the dashboard
sends is timed: the board, the board for one loop, the board filtered by text, and each
list view with the board, as the app reads them (the view on screen only).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.sources.coordination.actions import iso
from ringmaster_tui.sources.coordination.schema import schema_sql
from ringmaster_tui.sources.coordination.sim.demo import create_demo_database
from ringmaster_tui.sources.registry import open_source

NOW = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)
LOOPS = 20
STATUS_WEIGHTS = {
    "passed": 70,
    "pending": 15,
    "failed": 6,
    "blocked": 5,
    "skipped": 3,
    "in_progress": 1,
}
CATEGORIES = ("ufs", "specification", "build", "api", "ui", "migration")
WORDS = ("upload", "resume", "checksum", "paginate", "token", "index", "share", "quota")


def generate(path: Path, *, tests: int, events: int, now: datetime = NOW, seed: int = 1) -> None:
    """A new coordination database at `path` of about this size."""
    rnd = random.Random(seed)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(schema_sql())
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -200000")
    conn.execute("BEGIN")
    loop_ids = [f"loop-{n:02d}" for n in range(1, LOOPS + 1)]
    conn.executemany(
        "INSERT INTO loops VALUES (?, ?, ?, ?, ?, NULL, NULL, ?, ?)",
        [
            (
                loop,
                f"Loop {n}",
                n,
                f"loop/{n}",
                "running" if n % 4 else "paused",
                iso(now),
                iso(now),
            )
            for n, loop in enumerate(loop_ids, start=1)
        ],
    )
    states, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())

    def test_rows() -> Iterator[tuple[Any, ...]]:
        for n in range(tests):
            status = rnd.choices(states, weights)[0]
            at = iso(now - timedelta(minutes=rnd.randint(1, 60 * 24 * 30)))
            depends = f"T-{n - 1:06d}" if n and rnd.random() < 0.3 else None
            notes = f"{rnd.choice(WORDS)} {rnd.choice(WORDS)} case {n}"
            yield (
                f"T-{n:06d}", loop_ids[n % LOOPS], CATEGORIES[n % len(CATEGORIES)], status,
                rnd.randint(0, 3), 3, {"passed": "pass", "failed": "fail"}.get(status), depends,
                1, notes, f"Given {notes}\nThen it works", at,
                at if status == "passed" else None, at if status == "passed" else None, at,
            )  # fmt: skip

    conn.executemany(f"INSERT INTO tests VALUES ({', '.join('?' * 15)})", test_rows())
    conn.executemany(
        "INSERT INTO usage VALUES (?, ?, ?, ?, ?, '[]', ?)",
        (
            (str(uuid.UUID(int=rnd.getrandbits(128))), loop_ids[n % LOOPS], f"T-{n % tests:06d}",
             rnd.randint(1000, 50_000), rnd.randint(10, 900),
             iso(now - timedelta(minutes=n % 9999)))
            for n in range(tests)
        ),
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO passing_tests VALUES (?, ?, ?)",
        ((f"T-{n:06d}", f"{n:07x}", iso(now)) for n in range(0, tests, 2)),
    )
    sources = [*loop_ids, "monitor", "pm", "human"]
    types = ("test_started", "test_passed", "test_failed", "file_locked", "heartbeat_missed")

    def event_rows() -> Iterator[tuple[Any, ...]]:
        for n in range(events):
            acknowledged = 0 if n % 100 == 0 else 1
            at = iso(now - timedelta(seconds=events - n))
            yield (
                str(uuid.UUID(int=rnd.getrandbits(128))), at, sources[n % len(sources)],
                types[n % len(types)], f'{{"test": "T-{n % max(tests, 1):06d}"}}',
                f"T-{n % max(tests, 1):06d}", 1 + n % 3, acknowledged,
                "monitor" if acknowledged else None, at if acknowledged else None,
            )  # fmt: skip

    conn.executemany(f"INSERT INTO events VALUES ({', '.join('?' * 10)})", event_rows())
    conn.executemany(
        "INSERT INTO file_locks VALUES (?, ?, ?, 'work', ?, NULL)",
        ((f"src/f{n}.py", loop_ids[n % LOOPS], iso(now), iso(now + timedelta(minutes=n - 50)))
         for n in range(200)),
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO wait_graph VALUES (?, ?, ?, ?)",
        [(loop_ids[n], loop_ids[(n + 1) % 6], f"src/f{n}.py", iso(now)) for n in range(6)],
    )
    conn.executemany(
        "INSERT INTO component_health VALUES (?, ?, 'healthy', '{}')",
        [(loop, iso(now - timedelta(seconds=30))) for loop in loop_ids],
    )
    conn.executemany(
        "INSERT INTO decisions (id, summary, options, status, requested_at, timeout_minutes) "
        'VALUES (?, ?, \'["a", "b"]\', ?, ?, 30)',
        [
            (f"d{n}", f"decision {n}", "pending" if n < 5 else "decided", iso(now))
            for n in range(500)
        ],
    )
    conn.executemany(
        "INSERT INTO alerts (id, severity, message, acknowledged, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [(f"a{n}", ("critical", "error", "warning", "info")[n % 4], f"alert {n}", int(n > 20),
          iso(now)) for n in range(2000)],
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO transaction_log VALUES (?, 'test_pass', ?, '[]', ?, ?, NULL)",
        [(f"tx{n}", loop_ids[n % LOOPS], "in_progress" if n < 3 else "committed", iso(now))
         for n in range(5000)],
    )  # fmt: skip
    conn.execute("COMMIT")
    conn.close()


QUERIES: dict[str, BoardQuery] = {
    "board": BoardQuery(lists=frozenset()),
    "board, one loop": BoardQuery(project_id="loop-03", lists=frozenset()),
    "board, text filter": BoardQuery(text="checksum", lists=frozenset()),
    "loops view": BoardQuery(lists=frozenset({"loops"})),
    "problems view": BoardQuery(lists=frozenset({"problems"})),
    "decisions view": BoardQuery(lists=frozenset({"decisions"})),
    "alerts view": BoardQuery(lists=frozenset({"alerts"})),
    "events view": BoardQuery(lists=frozenset({"events"})),
    "events, with acknowledged": BoardQuery(
        lists=frozenset({"events"}), view_flags=frozenset({"events.acknowledged"})
    ),
    "events, source:monitor": BoardQuery(
        lists=frozenset({"events"}), view_text=(("events", "source:monitor"),)
    ),
    "change requests view": BoardQuery(lists=frozenset({"changes"})),
}


def measure(path: Path, runs: int) -> dict[str, list[float]]:
    source = open_source(path, user="bench")
    try:
        timings: dict[str, list[float]] = {}
        for label, query in QUERIES.items():
            source.snapshot(query, NOW)  # warm the page cache and the statement cache
            found = []
            for _ in range(runs):
                started = time.perf_counter()
                source.snapshot(query, NOW)
                found.append(time.perf_counter() - started)
            timings[label] = found
        return timings
    finally:
        source.close()


def describe(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
    return f"median {statistics.median(ms):7.1f} ms   p90 {p90:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        small = Path(folder) / "small.db"
        create_demo_database(small, seed=3, now=NOW)
        big = Path(folder) / "big.db"
        started = time.perf_counter()
        generate(big, tests=args.tests, events=args.events)
        size = big.stat().st_size // (1024 * 1024)
        print(
            f"generated {args.tests:,} tests and {args.events:,} events ({size} MiB) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        small_t, big_t = measure(small, args.runs), measure(big, args.runs)
        print(f"{'snapshot':28} {'small (demo, 57 tests)':38} big ({args.tests:,} tests)")
        for label in QUERIES:
            print(f"{label:28} {describe(small_t[label]):38} {describe(big_t[label])}")


if __name__ == "__main__":
    main()

"""What notifications cost: the notifier's read (pending decisions and alerts, one
transaction) on a big database, and the time from a commit to the notify command running,
through a real `watch` process.

    python bench/notify_bench.py [--cache DIR] [--repeat 30] [--events 20]

The database has bench/generate.py's big counts of alerts (10,000) and decisions (1,000),
with fewer cards and transitions than its big board (they are not what the notifier
reads). Generated databases are kept in --cache and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

# Run as a script, bench/ is on the import path and generate.py is a neighbour.
from generate import BIG, generate

from ringmaster_tui.notify.events import events_in, watch_query
from ringmaster_tui.sources.registry import open_source

SIZES = {**BIG, "cards": 20_000, "transitions": 100_000, "attempts": 30_000, "errors": 10_000}
# The notify command: the time it started, and the item's id.
STAMPER = """
import json, sys, time
item = json.loads(sys.stdin.read())
with open(sys.argv[1], "a") as log:
    log.write(f"{time.time()} {item['id']}\\n")
"""


def database(cache: Path) -> Path:
    path = cache / "notify.db"
    if not path.exists():
        started = time.perf_counter()
        generate(path, **SIZES)
        print(f"generated {SIZES} in {time.perf_counter() - started:.1f} s")
    return path


def time_reads(path: Path, repeat: int) -> tuple[list[float], int]:
    source = open_source(path, read_only=True, user="bench")
    query = watch_query(source.capabilities)
    assert query is not None
    seconds: list[float] = []
    found = 0
    try:
        for _ in range(repeat):
            started = time.perf_counter()
            now = datetime.now(UTC)
            snapshot = source.snapshot(query, now)
            found = len(events_in(snapshot, now, source_kind=source.kind, database=source.label))
            seconds.append(time.perf_counter() - started)
    finally:
        source.close()
    return seconds, found


def time_deliveries(path: Path, events: int, work: Path) -> list[float]:
    """Commit a decision, wait for the command to have run, and again."""
    script = work / "stamper.py"
    script.write_text(STAMPER)
    log = work / "stamps.log"
    env = {**os.environ, "XDG_STATE_HOME": str(work / "state")}
    command = shlex.join([sys.executable, str(script), str(log)])
    watch = subprocess.Popen(
        [sys.executable, "-m", "ringmaster_tui", "watch", str(path), "--notify-command", command],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    conn = sqlite3.connect(path, isolation_level=None, timeout=10)
    latencies: list[float] = []
    try:
        assert watch.stderr is not None
        watch.stderr.readline()  # the banner: it watches
        # Its first read notifies what is already pending: wait for that to end.
        settled = -1
        while settled != (size := log.stat().st_size if log.exists() else 0):
            settled = size
            time.sleep(2.0)
        for n in range(events):
            before = log.read_text().count("\n") if log.exists() else 0
            committed = time.time()
            conn.execute(
                "INSERT INTO decisions (id, decision_type, summary, options, requested_by, "
                "status) VALUES (?, 'bench', 'Bench?', '[\"a\"]', 'bench', 'pending')",
                (f"bench-{n}-{committed}",),
            )
            while (log.read_text().count("\n") if log.exists() else 0) == before:
                time.sleep(0.002)
            started = float(log.read_text().splitlines()[-1].split()[0])
            latencies.append(started - committed)
    finally:
        conn.close()
        watch.terminate()
        watch.wait(timeout=30)
    return latencies


def describe(name: str, seconds: list[float]) -> None:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    print(
        f"{name}: median {statistics.median(ordered) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms ({len(ordered)} runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "rm-bench")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--events", type=int, default=20)
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    path = database(args.cache)
    reads, found = time_reads(path, args.repeat)
    describe(f"notifier read ({found} events found)", reads)
    with tempfile.TemporaryDirectory() as work:
        copy = Path(work) / "live.db"
        with sqlite3.connect(path) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        describe("commit to notify command started", time_deliveries(copy, args.events, Path(work)))
    print(json.dumps({"python": sys.version.split()[0], "load": os.getloadavg()[0]}))


if __name__ == "__main__":
    main()

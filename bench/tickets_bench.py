"""Snapshot time of the ticket source on a small database and on a big one.

    python bench/tickets_bench.py [--tickets 100000 --comments 1000000] [--repeat 25]

The big database (100,000 tickets, 1,000,000 comments by default) is generated in a few
seconds with plain sqlite3 (one transaction, indexes built after the rows), the small
one (300 tickets, comments in the same proportion) the same way. For each it prints the
time to open the source (which reads the plans to build the lanes) and the median and
p95 of: the board snapshot, the board with a project picked, with a text filter, each
table view's snapshot (workers, problems, events), and a ticket's detail.
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
from ringmaster_tui.sources.registry import open_source  # noqa: E402
from ringmaster_tui.sources.tickets.schema import DASHBOARD_DDL, SEED_DDL  # noqa: E402

NOW = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)
TYPES = ("planner", "coder", "reviewer", "tester", "security", "docs")
PROJECTS = 20
WORKERS = 1000
EVENTS_PER_TICKET = 2
# Open tickets in the big database: most of a long-lived system's tickets are closed.
OPEN_SHARE = 0.2


def _ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def generate(path: Path, *, tickets: int, comments: int, seed: int = 1) -> None:
    """A database of the ticket system with `tickets` tickets and `comments` comments."""
    rnd = random.Random(seed)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;")
    conn.executescript(SEED_DDL)
    conn.execute("BEGIN")
    projects = [f"org/project-{n:02d}" for n in range(PROJECTS)]
    plans_of: dict[str, list[list[str]]] = {}
    for project in projects:
        types = list(TYPES)
        rnd.shuffle(types)  # projects order their stages differently
        conn.execute(
            "INSERT INTO projects (repository_name, path) VALUES (?, ?)",
            (project, f"/srv/{project}"),
        )
        conn.executemany(
            "INSERT INTO worker_types (project_id, worker_type, system_prompt) VALUES (?, ?, ?)",
            [(project, t, f"You are the {t}.") for t in types],
        )
        plans_of[project] = [types[: rnd.randint(2, 5)] for _ in range(3)]

    def ticket_rows() -> Iterator[tuple[object, ...]]:
        for n in range(tickets):
            project = projects[n % PROJECTS]
            plan = rnd.choice(plans_of[project])
            done = rnd.randint(0, len(plan))
            updated = NOW - timedelta(minutes=rnd.uniform(1, 60 * 24 * 90))
            closed = _ts(updated) if rnd.random() > OPEN_SHARE else None
            yield (
                f"T-{n:06d}",
                project,
                f"Ticket {n}: {rnd.choice(('fix', 'add', 'remove', 'speed up'))} "
                f"{rnd.choice(('billing', 'login', 'search', 'checkout', 'reports'))}",
                json.dumps(plan),
                plan[done - 1] if done else "Planned",
                _ts(updated - timedelta(days=1)),
                _ts(updated),
                closed,
            )

    conn.executemany("INSERT INTO tickets VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ticket_rows())

    def comment_rows() -> Iterator[tuple[object, ...]]:
        for n in range(comments):
            t = rnd.randrange(tickets)
            yield (
                f"T-{t:06d}",
                rnd.choice(TYPES),
                f"w-{rnd.randrange(WORKERS)}",
                rnd.randint(1, 5),
                "Worked on it; tests pass. " * rnd.randint(1, 4),
                _ts(NOW - timedelta(minutes=comments - n)),
            )

    conn.executemany(
        "INSERT INTO comments (ticket_id, worker_type, worker_id, stage_number, content, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?)",
        comment_rows(),
    )
    statuses = ("active", "idle", "finished", "failed", "spawning")
    conn.executemany(
        "INSERT INTO workers VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                f"w-{n}",
                projects[n % PROJECTS],
                rnd.choice(TYPES),
                rnd.choices(statuses, (3, 2, 10, 1, 1))[0],
                10000 + n,
                f"{rnd.choice(TYPES)}:T-{rnd.randrange(tickets):06d}",
                _ts(NOW - timedelta(hours=rnd.uniform(1, 48))),
                _ts(NOW - timedelta(minutes=rnd.uniform(0, 120))),
            )
            for n in range(WORKERS)
        ),
    )
    conn.executemany(
        "INSERT INTO events (event_type, ticket_id, worker_id, stage, reason, created_at, "
        "processed) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (
                "worker_stopped" if n % 7 == 0 else "ticket_stage_completed",
                f"T-{rnd.randrange(tickets):06d}",
                f"w-{rnd.randrange(WORKERS)}",
                rnd.choice(TYPES),
                "exited with code 1" if n % 7 == 0 else None,
                _ts(NOW - timedelta(minutes=tickets * EVENTS_PER_TICKET - n)),
                1 if n < tickets * EVENTS_PER_TICKET - 50 else 0,
            )
            for n in range(tickets * EVENTS_PER_TICKET)
        ),
    )
    conn.execute("COMMIT")
    conn.executescript(DASHBOARD_DDL)
    conn.close()


def _timed(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    run()  # warm: statements compiled, pages cached, as in a running dashboard
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))]


def measure(path: Path, repeat: int) -> list[tuple[str, float, float]]:
    started = time.perf_counter()
    source = open_source(path, user="bench")
    opened = (time.perf_counter() - started) * 1000
    results = [("open (lanes from the plans)", opened, opened)]
    conn = sqlite3.connect(path)
    ticket = conn.execute(
        "SELECT ticket_id FROM comments GROUP BY ticket_id ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]
    conn.close()
    cases: dict[str, BoardQuery] = {
        "board": BoardQuery(per_lane=30, lists=frozenset()),
        "board, one project": BoardQuery(
            per_lane=30, project_id="org/project-03", lists=frozenset()
        ),
        "board, text filter": BoardQuery(per_lane=30, text="billing", lists=frozenset()),
        "board + workers": BoardQuery(per_lane=30, list_limit=60, lists=frozenset({"loops"})),
        "board + problems": BoardQuery(per_lane=30, list_limit=60, lists=frozenset({"problems"})),
        "board + events": BoardQuery(per_lane=30, list_limit=60, lists=frozenset({"events"})),
    }
    try:
        for name, query in cases.items():
            results.append((name, *_timed(lambda q=query: source.snapshot(q, NOW), repeat)))
        results.append(("ticket detail", *_timed(lambda: source.card_detail(ticket, NOW), repeat)))
    finally:
        source.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--small-tickets", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=25)
    args = parser.parse_args()
    small_comments = args.small_tickets * max(args.comments // max(args.tickets, 1), 1)
    with tempfile.TemporaryDirectory() as folder:
        sizes = {
            "small": (args.small_tickets, small_comments),
            "big": (args.tickets, args.comments),
        }
        figures = {}
        for name, (tickets, comments) in sizes.items():
            path = Path(folder) / f"{name}.db"
            started = time.perf_counter()
            generate(path, tickets=tickets, comments=comments)
            made = time.perf_counter() - started
            print(f"{name}: {tickets:,} tickets, {comments:,} comments, generated in {made:.1f} s")
            figures[name] = measure(path, args.repeat)
    print(f"\n{'ms (median / p95)':<30}{'small':>16}{'big':>16}{'big/small':>11}")
    for (case, small_p50, small_p95), (_, big_p50, big_p95) in zip(
        figures["small"], figures["big"], strict=True
    ):
        ratio = big_p50 / small_p50 if small_p50 else float("nan")
        print(
            f"{case:<30}{small_p50:>8.1f} /{small_p95:>6.1f}{big_p50:>9.1f} /{big_p95:>6.1f}"
            f"{ratio:>10.1f}x"
        )


if __name__ == "__main__":
    main()

"""Snapshot time of the Ralph source on a small database and on a big one.

    PYTHONPATH=. python bench/ralph_bench.py [--stories 100000] [--history 1000000] [--keep DIR]

The small database is the demo's; the big one is generated here: 100,000 stories in
5,000 features of 50 projects, 1,000,000 story_history rows, and executions, gates,
commits and logs in proportion. Rows are written with executemany in one transaction,
the journal off (the file is new; a crash just means generating again). Each figure is
the median of several snapshots, each its own read transaction, as the app takes them.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.sources.ralph.schema import schema_sql
from ringmaster_tui.sources.ralph.sim.demo import create_demo_database
from ringmaster_tui.sources.registry import open_source

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
STORIES_PER_FEATURE = 20
FEATURES_PER_PROJECT = 100
# A busy orchestrator's stories are mostly finished; the live lanes hold a few thousand.
STATUS_WEIGHTS = {
    "done": 80,
    "pending": 8,
    "in_progress": 2,
    "review": 2,
    "testing": 2,
    "rework": 3,
    "failed": 3,
}
AGENTS = ("developer", "reviewer", "qa-agent", "security-agent")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def generate(path: Path, *, stories: int, history: int, seed: int = 1, now: datetime = NOW) -> None:
    """A Ralph database at `path` (new) with `stories` stories and `history` history rows."""
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    conn.executescript(schema_sql())
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -200000")
    features = max(1, stories // STORIES_PER_FEATURE)
    projects = max(1, features // FEATURES_PER_PROJECT)
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())

    def ago(rng_seconds: int) -> str:
        return _stamp(now - timedelta(seconds=rng.randint(0, rng_seconds)))

    with conn:
        conn.executemany(
            "INSERT INTO projects (id, name, status, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                (
                    p,
                    f"Project {p}",
                    ("running", "paused", "idle", "completed")[p % 4],
                    ago(90_000_000),
                    ago(900_000),
                )
                for p in range(1, projects + 1)
            ),
        )
        conn.executemany(
            "INSERT INTO features (id, project_id, name, branch_name, prd_json, status,"
            " total_stories, completed_stories, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    f,
                    1 + (f - 1) % projects,
                    f"Feature {f}",
                    f"ralph/feature-{f}",
                    json.dumps({"userStories": STORIES_PER_FEATURE}),
                    "in_progress" if f % 7 == 0 else "completed",
                    STORIES_PER_FEATURE,
                    STORIES_PER_FEATURE - (f % 3),
                    ago(90_000_000),
                )
                for f in range(1, features + 1)
            ),
        )
        story_status = rng.choices(statuses, weights, k=stories)

        def story_rows() -> Iterator[tuple[object, ...]]:
            for s in range(1, stories + 1):
                feature = 1 + (s - 1) // STORIES_PER_FEATURE
                n = 1 + (s - 1) % STORIES_PER_FEATURE
                deps = json.dumps([f"US-{n - 1:03d}"] if n > 1 and s % 3 == 0 else [])
                yield (
                    s,
                    feature,
                    f"US-{n:03d}",
                    ("backend", "frontend", "mobile")[s % 3],
                    f"Story {s} of feature {feature}: billing report {s % 97}",
                    json.dumps([f"criterion {k}" for k in range(3)]),
                    1 + s % 5,
                    story_status[s - 1],
                    deps,
                    AGENTS[s % 4],
                    1 + s % 3,
                    ago(90_000_000),
                    ago(9_000_000),
                )

        conn.executemany(
            "INSERT INTO stories (id, feature_id, story_id, repo, title, acceptance_criteria,"
            " priority, status, dependencies, assigned_agent, attempt_count, created_at,"
            f" updated_at) VALUES ({', '.join('?' * 13)})",
            story_rows(),
        )
        conn.executemany(
            "INSERT INTO story_history (story_id, timestamp, action, agent, notes)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                (
                    rng.randint(1, stories),
                    ago(90_000_000),
                    "implementation_started",
                    AGENTS[h % 4],
                    None,
                )
                for h in range(history)
            ),
        )
        executions = stories * 2
        conn.executemany(
            "INSERT INTO agent_executions (story_id, agent_name, started_at, status,"
            " error_message, duration_seconds, input_data) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    rng.randint(1, stories),
                    AGENTS[e % 4],
                    ago(90_000_000) if e % 500 else ago(3000),
                    "running" if e % 500 == 0 else ("failed" if e % 9 == 0 else "success"),
                    "Tests failed" if e % 9 == 0 else None,
                    rng.randint(30, 1500),
                    json.dumps({"task": e}),
                )
                for e in range(executions)
            ),
        )
        conn.executemany(
            "INSERT INTO quality_gate_results (story_id, gate_name, status, timestamp, details)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                (
                    rng.randint(1, stories),
                    ("code_review", "qa", "security")[g % 3],
                    "fail" if g % 6 == 0 else "pass",
                    ago(90_000_000),
                    "{}",
                )
                for g in range(stories)
            ),
        )
        conn.executemany(
            "INSERT INTO git_commits (story_id, feature_id, repo, commit_hash, commit_message,"
            " files_changed, timestamp) VALUES (?, ?, 'backend', ?, ?, '[]', ?)",
            (
                (
                    s,
                    1 + (s - 1) // STORIES_PER_FEATURE,
                    f"{s:040x}",
                    f"feat: story {s}",
                    ago(90_000_000),
                )
                for s in range(1, stories + 1, 2)
            ),
        )
        conn.executemany(
            "INSERT INTO progress_logs (feature_id, story_id, timestamp, agent, log_type, message)"
            " VALUES (?, ?, ?, 'developer', 'learning', ?)",
            (
                (1 + (s - 1) // STORIES_PER_FEATURE, s, ago(90_000_000), f"learned {s}")
                for s in range(1, stories + 1, 2)
            ),
        )
        conn.executemany(
            "INSERT INTO system_logs (timestamp, level, source, message) VALUES (?, ?, ?, ?)",
            (
                (ago(90_000_000), "ERROR" if n % 10 == 0 else "INFO", "worker", f"log line {n}")
                for n in range(stories // 2)
            ),
        )
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()


def _median_ms(run: Callable[[], object], times: int = 5) -> float:
    run()  # warm: the schema look-up and the page cache
    taken = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        taken.append((time.perf_counter() - start) * 1000)
    return statistics.median(taken)


def measure(path: Path, label: str) -> None:
    print(f"{label}: {path}")
    cold = open_source(path, user="bench")
    try:  # a new source: no card of an earlier snapshot to reuse
        start = time.perf_counter()
        cold.snapshot(BoardQuery(lists=frozenset()), NOW)
        ms = (time.perf_counter() - start) * 1000
        print(f"  first snapshot of a new source        {ms:8.1f} ms")
    finally:
        cold.close()
    source = open_source(path, user="bench")
    try:
        board_only = BoardQuery(lists=frozenset())
        cases: dict[str, BoardQuery] = {
            "board": board_only,
            "board + loops (the default)": BoardQuery(lists=frozenset({"loops"})),
            "board + problems": BoardQuery(lists=frozenset({"problems"})),
            "one feature": BoardQuery(project_id="feature:7", lists=frozenset()),
            "one project": BoardQuery(project_id="project:1", lists=frozenset()),
            "text filter": BoardQuery(text="billing report 42", lists=frozenset()),
        }
        for name, query in cases.items():
            ms = _median_ms(lambda q=query: source.snapshot(q, NOW))
            print(f"  snapshot, {name:<28} {ms:8.1f} ms")
        snapshot = source.snapshot(board_only, NOW)
        card = next(c for lane in snapshot.lanes for c in lane.cards)
        ms = _median_ms(lambda: source.card_detail(card.id, NOW))
        print(f"  story detail                          {ms:8.1f} ms")
    finally:
        source.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--history", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the databases here and keep them")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="ralph-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    small = folder / "small.db"
    small.unlink(missing_ok=True)
    create_demo_database(small, seed=7, repo_root=folder / "repos", now=NOW)
    measure(small, "small (the demo: 21 stories)")
    big = folder / "big.db"
    big.unlink(missing_ok=True)
    start = time.perf_counter()
    generate(big, stories=args.stories, history=args.history)
    took = time.perf_counter() - start
    print(f"generated {args.stories:,} stories and {args.history:,} history rows in {took:.1f} s")
    measure(big, f"big ({args.stories:,} stories, {args.history:,} history rows)")


if __name__ == "__main__":
    main()

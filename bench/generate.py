"""Generate a large, realistic Ringmaster database for benchmarks.

    python bench/generate.py OUT.db --cards 100000 --transitions 1000000 \
        --attempts 300000 --errors 100000 --alerts 10000 --decisions 1000

Most cards of a busy orchestrator are history (archived, completed); the live lanes hold
a few thousand. Rows are written in bulk with plain sqlite3, one transaction per table,
with the journal off and a large page cache (the file is new: a crash just means
generating again); WAL is switched back on at the end. The same seed gives the same rows.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ringmaster_tui.domain.timefmt import sqlite_timestamp
from ringmaster_tui.sources.ringmaster import workflow as sm
from ringmaster_tui.sources.ringmaster.schema import create_ringmaster_database

# The "big" database: years of a busy orchestrator.
BIG: dict[str, int] = {
    "cards": 100_000,
    "transitions": 1_000_000,
    "attempts": 300_000,
    "errors": 100_000,
    "alerts": 10_000,
    "decisions": 1_000,
}

# Share of cards per state: history dominates, as it does after years of running.
STATE_WEIGHTS: dict[str, float] = {
    sm.ARCHIVED: 55,
    sm.COMPLETED: 15,
    sm.FAILED: 4,
    sm.DRAFT: 4,
    sm.PLANNING: 3,
    sm.CODING: 4,
    sm.ERROR_FIXING: 2,
    sm.CODE_REVIEW: 3,
    sm.TESTING: 2,
    sm.BUILD_QUEUE: 1,
    sm.BUILDING: 1,
    sm.BUILD_SUCCESS: 1,
    sm.BUILD_FAILED: 1,
    sm.DEPLOY_QUEUE: 1,
    sm.DEPLOYING: 1,
    sm.VERIFYING: 1,
}
BATCH = 50_000
# Page cache while generating (KiB): the indexes of a million rows stay in memory.
CACHE_KIB = 512 * 1024


def _chunks(rows: Iterator[tuple[object, ...]]) -> Iterator[list[tuple[object, ...]]]:
    batch: list[tuple[object, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def generate(
    path: Path,
    *,
    cards: int,
    transitions: int,
    attempts: int,
    errors: int,
    alerts: int,
    decisions: int,
    projects: int = 20,
    seed: int = 1,
    now: datetime | None = None,
) -> None:
    rnd = random.Random(seed)
    now = now or datetime.now(UTC)
    span = timedelta(days=3 * 365)

    def moment() -> str:
        return sqlite_timestamp(now - span * rnd.random() ** 2)

    create_ringmaster_database(path).dispose()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    states = list(STATE_WEIGHTS)
    weights = list(STATE_WEIGHTS.values())

    def insert(table: str, columns: str, rows: Iterator[tuple[object, ...]]) -> None:
        marks = ", ".join("?" for _ in columns.split(","))
        conn.execute("BEGIN")
        for batch in _chunks(rows):
            conn.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", batch)
        conn.execute("COMMIT")

    insert(
        "projects",
        "id, name, repository_url",
        ((f"p{i}", f"project-{i:02d}", f"https://example.com/p{i}.git") for i in range(projects)),
    )
    insert(
        "cards",
        "id, project_id, title, description, task_prompt, state, priority, loop_iteration, "
        "total_cost_usd, updated_at, created_at",
        (
            (
                f"c{i}",
                f"p{i % projects}",
                f"Card {i}: {rnd.choice(['Add', 'Fix', 'Refactor', 'Document'])} "
                f"{rnd.choice(['login', 'billing', 'search', 'exports', 'caching'])}",
                f"Description of card {i}",
                f"Prompt {i}",
                rnd.choices(states, weights)[0],
                rnd.randint(0, 5),
                rnd.randint(0, 12),
                round(rnd.random() * 20, 2),
                moment(),
                moment(),
            )
            for i in range(cards)
        ),
    )
    insert(
        "state_transitions",
        "id, card_id, from_state, to_state, trigger, metadata, created_at",
        (
            (
                f"t{i}",
                f"c{rnd.randrange(cards)}",
                rnd.choice(sm.STATES),
                rnd.choice(sm.STATES),
                "agent_completed",
                '{"by": "orchestrator"}',
                moment(),
            )
            for i in range(transitions)
        ),
    )
    per_card = max(1, attempts // cards)
    insert(
        "attempts",
        "id, card_id, attempt_number, status, started_at, duration_ms, tokens_used, cost_usd, "
        "output",
        (
            (
                f"a{i}",
                f"c{i // per_card}" if i // per_card < cards else f"c{rnd.randrange(cards)}",
                i % per_card + 1 if i // per_card < cards else 1000 + i,
                rnd.choice(["completed", "completed", "failed"]),
                moment(),
                rnd.randint(10_000, 900_000),
                rnd.randint(1_000, 90_000),
                round(rnd.random() * 2, 3),
                "agent output\n" * 5,
            )
            for i in range(attempts)
        ),
    )
    insert(
        "errors",
        "id, card_id, error_type, message, category, severity, resolved, created_at",
        (
            (
                f"e{i}",
                f"c{rnd.randrange(cards)}",
                "TestFailure",
                f"assertion failed in test_{i}",
                rnd.choice(["build", "test", "deploy", "runtime", "other"]),
                "error",
                int(rnd.random() < 0.97),
                moment(),
            )
            for i in range(errors)
        ),
    )
    insert(
        "alerts",
        "id, severity, alert_type, source, message, acknowledged, created_at, card_id",
        (
            (
                f"al{i}",
                rnd.choice(["info", "warning", "error", "critical"]),
                "stuck",
                "monitor",
                f"alert {i}",
                int(rnd.random() < 0.98),
                moment(),
                f"c{rnd.randrange(cards)}",
            )
            for i in range(alerts)
        ),
    )
    insert(
        "decisions",
        "id, decision_type, summary, options, default_option, timeout_minutes, status, "
        "requested_at, card_id",
        (
            (
                f"d{i}",
                "architecture",
                f"decision {i}",
                json.dumps(["yes", "no"]),
                "yes",
                60,
                "pending" if rnd.random() < 0.02 else "decided",
                moment(),
                f"c{rnd.randrange(cards)}",
            )
            for i in range(decisions)
        ),
    )
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    for name, default in BIG.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.out.exists():
        parser.error(f"{args.out} exists; remove it first")
    started = time.perf_counter()
    generate(
        args.out,
        cards=args.cards,
        transitions=args.transitions,
        attempts=args.attempts,
        errors=args.errors,
        alerts=args.alerts,
        decisions=args.decisions,
        seed=args.seed,
    )
    print(f"generated {args.out} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()

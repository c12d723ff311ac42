"""A demo episodic memory store: a few domains' worth of episodes in every status (two
active ones stalled), their steps, embeddings and the patterns learned, all relative to
now, written as the agent would write them (plain SQLite, one transaction)."""

from __future__ import annotations

import json
import random
import sqlite3
import struct
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ringmaster_tui.domain.timefmt import sqlite_timestamp
from ringmaster_tui.sources.episodes.schema import schema_sql
from ringmaster_tui.sources.episodes.sim import texts
from ringmaster_tui.sources.episodes.workflow import STALL_SECONDS

# How many episodes of each status the demo has.
DEMO_EPISODES = {"active": 6, "completed": 22, "failed": 8, "archived": 6}
STALLED_ACTIVE = 2
PATTERNS = 16
# Dimensions of a demo embedding (real ones have hundreds; nobody reads them here).
VECTOR_SIZE = 32


def new_id(rnd: random.Random) -> str:
    return f"{rnd.getrandbits(64):016x}"


def vector(rnd: random.Random) -> bytes:
    return struct.pack(f"<{VECTOR_SIZE}f", *(rnd.uniform(-1, 1) for _ in range(VECTOR_SIZE)))


def create_demo_database(path: Path, *, seed: int, now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    rnd = random.Random(seed)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.executescript(schema_sql())
        conn.execute("BEGIN IMMEDIATE")
        statuses = [s for s, n in DEMO_EPISODES.items() for _ in range(n)]
        stalled_left = STALLED_ACTIVE
        for number, status in enumerate(statuses):
            stalled = status == "active" and stalled_left > 0
            stalled_left -= stalled
            _episode(conn, rnd, now, number, status, stalled=stalled)
        for _ in range(PATTERNS):
            _pattern(conn, rnd, now)
        conn.execute("COMMIT")
    finally:
        conn.close()


def _episode(
    conn: sqlite3.Connection,
    rnd: random.Random,
    now: datetime,
    number: int,
    status: str,
    *,
    stalled: bool,
) -> None:
    domain = texts.DOMAINS[number % len(texts.DOMAINS)]
    task_type = rnd.choice(texts.TASK_TYPES)
    count = rnd.randint(3, 18)
    if status == "active":
        # A live one wrote its last step seconds ago; a stalled one went silent long ago.
        quiet = STALL_SECONDS * rnd.uniform(1.5, 4) if stalled else rnd.uniform(5, 120)
        last = now - timedelta(seconds=quiet)
    else:
        last = now - timedelta(hours=rnd.uniform(1, 72))
    gap = timedelta(seconds=rnd.uniform(20, 150))
    started = last - gap * count
    episode_id = new_id(rnd)
    fail_odds = 0.45 if status == "failed" else 0.15
    successes = 0
    step_rows = []
    for n in range(1, count + 1):
        ok = rnd.random() > fail_odds
        successes += ok
        action, result = texts.step(rnd, domain, ok)
        step_rows.append(
            (
                new_id(rnd),
                episode_id,
                n,
                action,
                result,
                rnd.randint(300, 90_000),
                int(ok),
                sqlite_timestamp(started + gap * n),
            )
        )
    finished = status != "active"
    metadata = {"agent": "memory-agent", "run": number, "model": "claude-sonnet"}
    conn.execute(
        "INSERT INTO episodes (id, task_type, domain, context, status, success_rate, "
        "created_at, completed_at, metadata, embedding_version) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            episode_id,
            task_type,
            domain,
            f"{texts.task(rnd, domain)}\nRepository: example/{domain}. Started by the scheduler.",
            status,
            round(successes / count, 3) if finished else None,
            sqlite_timestamp(started),
            sqlite_timestamp(last + timedelta(seconds=5)) if finished else None,
            json.dumps(metadata),
            "v2",
        ),
    )
    conn.executemany("INSERT INTO steps VALUES (?,?,?,?,?,?,?,?)", step_rows)
    for _ in range(rnd.randint(0, 3)):
        conn.execute(
            "INSERT INTO embeddings (id, episode_id, content, embedding, model_name, created_at) "
            "VALUES (?,?,?,?,?,?)",
            (
                new_id(rnd),
                episode_id,
                f"summary of episode {number}",
                vector(rnd),
                rnd.choice(texts.EMBEDDING_MODELS),
                sqlite_timestamp(last),
            ),
        )


def _pattern(conn: sqlite3.Connection, rnd: random.Random, now: datetime) -> None:
    pattern_type = rnd.choice(texts.PATTERN_TYPES)
    domain = rnd.choice(texts.DOMAINS)
    used = rnd.randint(0, 60)
    conn.execute(
        "INSERT INTO patterns (id, pattern_type, pattern_data, success_rate, usage_count, "
        "last_used, created_at, metadata) VALUES (?,?,?,?,?,?,?,?)",
        (
            new_id(rnd),
            pattern_type,
            json.dumps(texts.pattern_data(rnd, pattern_type, domain)),
            round(rnd.uniform(0.2, 0.98), 2),
            used,
            sqlite_timestamp(now - timedelta(minutes=rnd.uniform(1, 3000))) if used else None,
            sqlite_timestamp(now - timedelta(days=rnd.uniform(3, 30))),
            json.dumps({"learned_from": "episodes"}),
        ),
    )

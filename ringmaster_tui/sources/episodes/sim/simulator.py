"""The memory agent, simulated: episodes start, their steps come one by one with
successes and failures, patterns are used and learned, episodes complete or fail.

Each change is one write transaction. Stalled episodes (silent for longer than the stall
threshold, like the demo's) are left alone, as a dead agent loop would leave them: they
wait for a person to mark them failed.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.domain.timefmt import sqlite_timestamp, utc_now
from ringmaster_tui.domain.values import to_moment
from ringmaster_tui.engines import open_engine
from ringmaster_tui.sources.episodes.schema import embeddings, episodes, patterns, steps
from ringmaster_tui.sources.episodes.sim import texts
from ringmaster_tui.sources.episodes.sim.demo import vector
from ringmaster_tui.sources.episodes.workflow import ACTIVE, COMPLETED, FAILED, STALL_SECONDS

CHANGE_WEIGHTS: dict[str, float] = {
    "step": 10,
    "start": 1,
    "finish": 1.5,
    "pattern": 1.2,
    "embedding": 0.5,
}
# At most this many episodes run at once (stalled ones aside).
MAX_LIVE = 8
# An episode finishes only after this many steps.
MIN_STEPS = 3
STEP_SUCCESS = 0.8


@dataclass(frozen=True)
class SimulationReport:
    changes: int
    counts: dict[str, int]
    log: tuple[str, ...]

    def __str__(self) -> str:
        made = ", ".join(f"{n} {kind}" for kind, n in sorted(self.counts.items()))
        return f"{self.changes} changes ({made or 'none'})"


class _Agent:
    def __init__(self, conn: Connection, rnd: random.Random, now: datetime) -> None:
        self.conn = conn
        self.rnd = rnd
        self.now = now

    def new_id(self) -> str:
        return f"sim-{self.rnd.getrandbits(64):016x}"

    def live_episodes(self) -> list[Any]:
        """Active episodes that are not stalled, with their last step number."""
        last = (
            sa.select(
                steps.c.episode_id,
                sa.func.max(steps.c.step_number).label("number"),
                sa.func.max(steps.c.timestamp).label("at"),
            )
            .group_by(steps.c.episode_id)
            .subquery()
        )
        rows = self.conn.execute(
            sa.select(
                episodes.c.id, episodes.c.domain, episodes.c.created_at, last.c.number, last.c.at
            )
            .select_from(episodes.outerjoin(last, last.c.episode_id == episodes.c.id))
            .where(episodes.c.status == ACTIVE)
            .order_by(episodes.c.id)
        ).all()
        horizon = self.now - timedelta(seconds=STALL_SECONDS * 0.9)
        return [
            row
            for row in rows
            if (to_moment(row.at) or to_moment(row.created_at) or self.now) > horizon
        ]

    def step(self) -> str:
        live = self.live_episodes()
        if not live:
            return self.start()
        episode = self.rnd.choice(live)
        ok = self.rnd.random() < STEP_SUCCESS
        action, result = texts.step(self.rnd, episode.domain, ok)
        number = (episode.number or 0) + 1
        self.conn.execute(
            sa.insert(steps).values(
                id=self.new_id(),
                episode_id=episode.id,
                step_number=number,
                action=action,
                result=result,
                duration_ms=self.rnd.randint(200, 60_000),
                success=ok,
                timestamp=sqlite_timestamp(self.now),
            )
        )
        return f"step {number} of {episode.id}: {'ok' if ok else 'failed'}"

    def start(self) -> str:
        if len(self.live_episodes()) >= MAX_LIVE:
            return "start: idle"
        domain = self.rnd.choice(texts.DOMAINS)
        episode_id = self.new_id()
        self.conn.execute(
            sa.insert(episodes).values(
                id=episode_id,
                task_type=self.rnd.choice(texts.TASK_TYPES),
                domain=domain,
                context=f"{texts.task(self.rnd, domain)}\nStarted by the simulator.",
                status=ACTIVE,
                created_at=sqlite_timestamp(self.now),
                metadata=json.dumps({"agent": "memory-agent", "simulated": True}),
                embedding_version="v2",
            )
        )
        return f"start {episode_id} in {domain}"

    def finish(self) -> str:
        ready = [row for row in self.live_episodes() if (row.number or 0) >= MIN_STEPS]
        if not ready:
            return self.step()
        episode = self.rnd.choice(ready)
        good, judged = self.conn.execute(
            sa.select(
                sa.func.sum(sa.case((steps.c.success == sa.true(), 1), else_=0)),
                sa.func.count(steps.c.success),
            ).where(steps.c.episode_id == episode.id)
        ).one()
        rate = (good or 0) / judged if judged else 0.0
        status = COMPLETED if self.rnd.random() < rate else FAILED
        self.conn.execute(
            sa.update(episodes)
            .where(episodes.c.id == episode.id, episodes.c.status == ACTIVE)
            .values(
                status=status,
                success_rate=round(rate, 3),
                completed_at=sqlite_timestamp(self.now),
            )
        )
        return f"{status} {episode.id}"

    def pattern(self) -> str:
        found = self.conn.execute(
            sa.select(patterns.c.id, patterns.c.success_rate, patterns.c.usage_count)
            .order_by(patterns.c.id)
            .limit(200)
        ).all()
        if not found or self.rnd.random() < 0.15:
            pattern_type = self.rnd.choice(texts.PATTERN_TYPES)
            domain = self.rnd.choice(texts.DOMAINS)
            data = texts.pattern_data(self.rnd, pattern_type, domain)
            self.conn.execute(
                sa.insert(patterns).values(
                    id=self.new_id(),
                    pattern_type=pattern_type,
                    pattern_data=json.dumps(data),
                    success_rate=round(self.rnd.uniform(0.3, 0.9), 2),
                    usage_count=0,
                    created_at=sqlite_timestamp(self.now),
                    metadata=json.dumps({"learned_from": "simulator"}),
                )
            )
            return f"learned a {pattern_type} pattern in {domain}"
        chosen = self.rnd.choice(found)
        worked = self.rnd.random() < (chosen.success_rate or 0.5)
        used = chosen.usage_count or 0
        rate = ((chosen.success_rate or 0.0) * used + worked) / (used + 1)
        self.conn.execute(
            sa.update(patterns)
            .where(patterns.c.id == chosen.id)
            .values(
                usage_count=used + 1,
                success_rate=round(rate, 3),
                last_used=sqlite_timestamp(self.now),
            )
        )
        return f"used pattern {chosen.id}: {'worked' if worked else 'did not work'}"

    def embedding(self) -> str:
        live = self.live_episodes()
        if not live:
            return "embedding: idle"
        episode = self.rnd.choice(live)
        self.conn.execute(
            sa.insert(embeddings).values(
                id=self.new_id(),
                episode_id=episode.id,
                content=f"step summary of {episode.id}",
                embedding=vector(self.rnd),
                model_name=self.rnd.choice(texts.EMBEDDING_MODELS),
                created_at=sqlite_timestamp(self.now),
            )
        )
        return f"embedded {episode.id}"


CHANGES: dict[str, Callable[[_Agent], str]] = {
    "step": _Agent.step,
    "start": _Agent.start,
    "finish": _Agent.finish,
    "pattern": _Agent.pattern,
    "embedding": _Agent.embedding,
}


def run_simulation(
    db_path: Path | str,
    *,
    rate: float = 2.0,
    duration: float | None = None,
    seed: int | None = None,
    stop: threading.Event | None = None,
    steps_to_make: int | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> SimulationReport:
    """About `rate` changes a second until `duration` passes, `steps_to_make` changes are
    made, or `stop` is set. Timestamps come from `clock` (a test injects its own).
    `db_path` is a SQLite file or a database URL (PostgreSQL)."""
    if rate <= 0:
        raise ValueError("rate must be a positive number of changes per second")
    rnd = random.Random(seed)
    stop = stop or threading.Event()
    database = open_engine(db_path)
    has_embeddings = "embeddings" in database.table_names()
    kinds = [k for k in CHANGE_WEIGHTS if has_embeddings or k != "embedding"]
    weights = [CHANGE_WEIGHTS[k] for k in kinds]
    tally: Counter[str] = Counter()
    made: list[str] = []
    interval = 1.0 / rate
    started = time.monotonic()
    deadline = None if duration is None else started + duration
    next_at = started
    try:
        while not stop.is_set() and (steps_to_make is None or len(made) < steps_to_make):
            if deadline is not None and time.monotonic() >= deadline:
                break
            kind = rnd.choices(kinds, weights)[0]
            change_rnd = random.Random(rnd.getrandbits(64))
            now = clock()
            change = CHANGES[kind]

            def work(conn: Connection, change: Callable[[_Agent], str] = change) -> str:
                return change(_Agent(conn, change_rnd, now))  # noqa: B023 (called at once)

            effect = database.write_with_retry(work)
            tally[effect.split(" ", 1)[0]] += 1
            made.append(effect)
            if steps_to_make is not None and len(made) >= steps_to_make:
                break
            next_at = max(next_at + interval, time.monotonic() - interval)
            wait = next_at - time.monotonic()
            if deadline is not None:
                wait = min(wait, deadline - time.monotonic())
            stop.wait(max(0.0, wait))
    finally:
        database.dispose()
    return SimulationReport(changes=len(made), counts=dict(tally), log=tuple(made))

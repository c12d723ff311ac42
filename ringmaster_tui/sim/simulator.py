"""Write to a database as a live orchestrator would, at a given rate, until told to stop.

Each change is one write transaction; stopping between changes leaves nothing half-done.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.domain import states as sm
from ringmaster_tui.sim.orchestrator import Orchestrator
from ringmaster_tui.store.engine import open_database
from ringmaster_tui.store.ringmaster.loader import AnyRow
from ringmaster_tui.store.ringmaster.models import TABLES

# How often each kind of change happens, relative to the others.
CHANGE_WEIGHTS: dict[str, float] = {
    "advance": 5,
    "attempt": 4,
    "new_card": 1.5,
    "resolve_error": 1,
    "decision": 0.6,
    "alert": 0.8,
    "deployment": 0.5,
}
SEVERITIES = ("info", "warning", "warning", "error", "critical")


@dataclass
class SimulationReport:
    changes: Counter[str] = field(default_factory=Counter)
    kinds: list[str] = field(default_factory=list)
    """The kind of every change made, in order (same seed, same sequence)."""

    def __str__(self) -> str:
        return ", ".join(f"{kind} {n}" for kind, n in sorted(self.changes.items())) or "nothing"


def run_simulation(
    db_path: Path,
    *,
    rate: float = 5.0,
    duration: float | None = None,
    seed: int | None = None,
    stop: threading.Event | None = None,
    repo_root: Path | None = None,
) -> SimulationReport:
    rnd = random.Random(seed)
    database = open_database(db_path)
    orchestrator = Orchestrator(rnd, repo_root)
    stop = stop or threading.Event()
    report = SimulationReport()
    started = time.monotonic()
    interval = 1.0 / rate
    kinds = list(CHANGE_WEIGHTS)
    weights = list(CHANGE_WEIGHTS.values())
    next_at = started
    try:
        while not stop.is_set():
            if duration is not None and time.monotonic() - started >= duration:
                break
            kind = rnd.choices(kinds, weights)[0]
            now = datetime.now(UTC)

            def change(conn: Connection, kind: str = kind, now: datetime = now) -> bool:
                orchestrator.auto_resolve_expired(conn, now)
                return CHANGES[kind](orchestrator, conn, now)

            if database.write_with_retry(change):
                report.changes[kind] += 1
            report.kinds.append(kind)
            next_at += interval
            stop.wait(max(0.0, next_at - time.monotonic()))
    finally:
        database.dispose()
    return report


def _pick(o: Orchestrator, conn: Connection, states: tuple[str, ...]) -> AnyRow | None:
    """A random card in one of `states` (in id order, so a seed repeats its choices)."""
    cards = TABLES["cards"]
    rows = conn.execute(
        sa.select(cards.c.id, cards.c.state, cards.c.title)
        .where(cards.c.state.in_(states))
        .order_by(cards.c.id)
    ).all()
    return o.rnd.choice(rows) if rows else None


def _advance(o: Orchestrator, conn: Connection, now: datetime) -> bool:
    card = _pick(o, conn, tuple(sm.SYSTEM_TRANSITIONS))
    if card is None:
        return False
    options = sm.SYSTEM_TRANSITIONS[card.state]
    # Mostly forward: the first listed move is the happy path.
    to_state = options[0] if o.rnd.random() < 0.75 else o.rnd.choice(options)
    return o.move(conn, card.id, card.state, to_state)


def _attempt(o: Orchestrator, conn: Connection, now: datetime) -> bool:
    card = _pick(o, conn, sm.ACTIVE_LOOP_STATES)
    if card is None:
        return False
    o.run_attempt(conn, card.id, now, failed=o.rnd.random() < 0.3)
    return True


def _new_card(o: Orchestrator, conn: Connection, now: datetime) -> bool:
    projects = TABLES["projects"]
    ids = conn.execute(sa.select(projects.c.id).order_by(projects.c.id)).scalars().all()
    if not ids:
        ids = [o.add_project(conn, "simulated", now)]
    o.add_card(conn, o.rnd.choice(ids), o.rnd.choice([sm.DRAFT, sm.CODING, sm.CODING]), now)
    return True


def _resolve_error(o: Orchestrator, conn: Connection, now: datetime) -> bool:
    errors = TABLES["errors"]
    ids = (
        conn.execute(sa.select(errors.c.id).where(errors.c.resolved == 0).order_by(errors.c.id))
        .scalars()
        .all()
    )
    return bool(ids) and o.resolve_error(conn, o.rnd.choice(ids), now)


def _decision(o: Orchestrator, conn: Connection, now: datetime) -> bool:
    card = _pick(o, conn, sm.ACTIVE_LOOP_STATES)
    o.add_decision(
        conn,
        card.id if card else None,
        card.title if card else "a loop",
        now,
        o.rnd.choice([2, 5, 15, 60]),
    )
    return True


def _alert(o: Orchestrator, conn: Connection, now: datetime) -> bool:
    card = _pick(o, conn, sm.ACTIVE_LOOP_STATES)
    o.add_alert(
        conn,
        card.id if card else None,
        card.title if card else "a loop",
        now,
        o.rnd.choice(SEVERITIES),
    )
    return True


def _deployment(o: Orchestrator, conn: Connection, now: datetime) -> bool:
    card = _pick(o, conn, (sm.DEPLOY_QUEUE, sm.DEPLOYING, sm.VERIFYING))
    if card is None:
        return False
    o.add_deployment(conn, card.id, now)
    return True


CHANGES: dict[str, Callable[[Orchestrator, Connection, datetime], bool]] = {
    "advance": _advance,
    "attempt": _attempt,
    "new_card": _new_card,
    "resolve_error": _resolve_error,
    "decision": _decision,
    "alert": _alert,
    "deployment": _deployment,
}

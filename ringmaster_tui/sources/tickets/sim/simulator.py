"""Write to a ticket-system database as its orchestrator would: workers spawn and take the
tickets waiting for their type, comment, finish their stage (an event, the ticket moves
on; a finished plan is closed) or fail (a worker_stopped event with its reason); new
tickets arrive; events get processed.

Each change is one write transaction. With a seed the same kinds of change happen in
the same order; timestamps come from `clock`, so tests need not wait on the wall clock.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.domain.timefmt import utc_now
from ringmaster_tui.engines import Engine, open_engine
from ringmaster_tui.sources.tickets.filters import stored_time
from ringmaster_tui.sources.tickets.plan import PLANNED, position
from ringmaster_tui.sources.tickets.schema import (
    comments,
    events,
    projects,
    tickets,
    worker_types,
    workers,
)
from ringmaster_tui.sources.tickets.sim import world

CHANGE_WEIGHTS: dict[str, float] = {
    "spawn": 1.0,
    "take": 3.0,
    "comment": 2.0,
    "finish": 3.0,
    "fail": 0.4,
    "new_ticket": 0.6,
    "process_events": 0.8,
}
# Workers alive at most at once (spawning, idle, active), so a long run stays readable.
MAX_LIVE_WORKERS = 24


@dataclass(frozen=True)
class SimulationReport:
    changes: int
    idle: int
    counts: dict[str, int]
    log: tuple[str, ...]

    def __str__(self) -> str:
        counted = ", ".join(
            f"{n} {kind.replace('_', ' ')}" for kind, n in sorted(self.counts.items()) if n
        )
        return f"{self.changes} changes: {counted or 'nothing written'}"


def run_simulation(
    db_path: Path,
    *,
    rate: float = 5.0,
    duration: float | None = None,
    seed: int | None = None,
    stop: threading.Event | None = None,
    steps: int | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> SimulationReport:
    """About `rate` changes a second until `duration` passes, `steps` are made or `stop`."""
    if rate <= 0:
        raise ValueError("rate must be a positive number of changes per second")
    rnd = random.Random(seed)
    stop = stop or threading.Event()
    database = open_engine(db_path)
    kinds, weights = list(CHANGE_WEIGHTS), list(CHANGE_WEIGHTS.values())
    tally: Counter[str] = Counter()
    made: list[str] = []
    interval = 1.0 / rate
    started = time.monotonic()
    deadline = None if duration is None else started + duration
    next_at = started
    try:
        sim = _Simulator(database, clock)
        while (
            not stop.is_set()
            and (steps is None or len(made) < steps)
            and (deadline is None or time.monotonic() < deadline)
        ):
            kind = rnd.choices(kinds, weights)[0]
            change_rnd = random.Random(rnd.getrandbits(64))
            effect = database.write_with_retry(partial(sim.change, kind=kind, rnd=change_rnd))
            if effect:
                tally[kind] += 1
            made.append(effect or f"{kind}: idle")
            next_at = max(next_at + interval, time.monotonic() - interval)
            wait = next_at - time.monotonic()
            if deadline is not None:
                wait = min(wait, deadline - time.monotonic())
            if steps is not None and len(made) >= steps:
                break
            stop.wait(max(0.0, wait))
    finally:
        database.dispose()
    changes = sum(tally.values())
    return SimulationReport(changes, len(made) - changes, dict(tally), tuple(made))


class _Simulator:
    def __init__(self, database: Engine, clock: Callable[[], datetime]) -> None:
        self.database = database
        self.clock = clock

    def change(self, conn: Connection, kind: str, rnd: random.Random) -> str | None:
        now = stored_time(self.clock())
        method: Callable[[Connection, random.Random, str], str | None] = getattr(self, f"_{kind}")
        return method(conn, rnd, now)

    # --- workers ---

    def _spawn(self, conn: Connection, rnd: random.Random, now: str) -> str | None:
        live = conn.execute(
            sa.select(sa.func.count()).where(workers.c.status.in_(("spawning", "idle", "active")))
        ).scalar_one()
        spawning = conn.execute(
            sa.select(workers.c.worker_id).where(workers.c.status == "spawning").limit(1)
        ).scalar()
        if spawning is not None and rnd.random() < 0.6:
            conn.execute(
                sa.update(workers)
                .where(workers.c.worker_id == spawning, workers.c.status == "spawning")
                .values(status="idle", last_activity=now)
            )
            return f"{spawning} is up"
        if live >= MAX_LIVE_WORKERS:
            return None
        types = conn.execute(sa.select(worker_types.c.project_id, worker_types.c.worker_type)).all()
        if not types:
            return None
        project, worker_type = rnd.choice(types)
        worker_id = f"{worker_type}-{rnd.getrandbits(32):08x}"
        conn.execute(
            sa.insert(workers).values(
                worker_id=worker_id,
                project_id=project,
                worker_type=worker_type,
                status="spawning",
                pid=rnd.randint(2000, 60000),
                queue_name=world.idle_queue(project, worker_type),
                started_at=now,
                last_activity=now,
            )
        )
        return f"spawned {worker_id}"

    def _take(self, conn: Connection, rnd: random.Random, now: str) -> str | None:
        idle = list(
            conn.execute(
                sa.select(workers.c.worker_id, workers.c.project_id, workers.c.worker_type)
                .where(workers.c.status == "idle")
                .order_by(workers.c.worker_id)
            )
        )
        rnd.shuffle(idle)
        taken = set(
            conn.execute(
                sa.select(workers.c.queue_name).where(workers.c.status == "active")
            ).scalars()
        )
        for worker_id, project, worker_type in idle:
            for ticket_id, plan, stage in conn.execute(
                sa.select(
                    tickets.c.ticket_id, tickets.c.execution_plan, tickets.c.last_completed_stage
                )
                .where(tickets.c.project_id == project, tickets.c.closed_at.is_(None))
                .order_by(tickets.c.updated_at)
                .limit(200)
            ):
                queue = world.ticket_queue(worker_type, ticket_id)
                if (
                    position(plan, stage, closed=False).next_stage == worker_type
                    and queue not in taken
                ):
                    conn.execute(
                        sa.update(workers)
                        .where(workers.c.worker_id == worker_id, workers.c.status == "idle")
                        .values(status="active", queue_name=queue, last_activity=now)
                    )
                    return f"{worker_id} took {ticket_id}"
        return None

    def _active(
        self, conn: Connection, rnd: random.Random
    ) -> tuple[str, str, str, str, str] | None:
        """An active worker with its ticket: (worker, type, ticket, plan, last stage)."""
        active = list(
            conn.execute(
                sa.select(workers.c.worker_id, workers.c.worker_type, workers.c.queue_name)
                .where(workers.c.status == "active")
                .order_by(workers.c.worker_id)
            )
        )
        rnd.shuffle(active)
        for worker_id, worker_type, queue in active:
            ticket_id = queue.split(":", 1)[-1]
            ticket = conn.execute(
                sa.select(
                    tickets.c.execution_plan, tickets.c.last_completed_stage, tickets.c.closed_at
                ).where(tickets.c.ticket_id == ticket_id)
            ).first()
            if ticket is None or ticket.closed_at is not None:
                self._release(conn, worker_id, worker_type, stored_time(self.clock()))
                continue
            if (
                position(
                    ticket.execution_plan, ticket.last_completed_stage, closed=False
                ).next_stage
                != worker_type
            ):
                self._release(conn, worker_id, worker_type, stored_time(self.clock()))
                continue
            return (
                worker_id,
                worker_type,
                ticket_id,
                ticket.execution_plan,
                ticket.last_completed_stage,
            )
        return None

    def _release(self, conn: Connection, worker_id: str, worker_type: str, now: str) -> None:
        project = conn.execute(
            sa.select(workers.c.project_id).where(workers.c.worker_id == worker_id)
        ).scalar_one()
        conn.execute(
            sa.update(workers)
            .where(workers.c.worker_id == worker_id)
            .values(
                status="idle", queue_name=world.idle_queue(project, worker_type), last_activity=now
            )
        )

    def _comment(self, conn: Connection, rnd: random.Random, now: str) -> str | None:
        found = self._active(conn, rnd)
        if found is None:
            return None
        worker_id, worker_type, ticket_id, plan, stage = found
        at = position(plan, stage, closed=False)
        conn.execute(
            sa.insert(comments).values(
                ticket_id=ticket_id,
                worker_type=worker_type,
                worker_id=worker_id,
                stage_number=at.next_number,
                content=world.saying(rnd, worker_type),
                created_at=now,
            )
        )
        conn.execute(
            sa.update(workers).where(workers.c.worker_id == worker_id).values(last_activity=now)
        )
        return f"{worker_id} commented on {ticket_id}"

    def _finish(self, conn: Connection, rnd: random.Random, now: str) -> str | None:
        found = self._active(conn, rnd)
        if found is None:
            return None
        worker_id, worker_type, ticket_id, plan, stage = found
        at = position(plan, stage, closed=False)
        conn.execute(
            sa.insert(comments).values(
                ticket_id=ticket_id,
                worker_type=worker_type,
                worker_id=worker_id,
                stage_number=at.next_number,
                content=f"Stage done. {world.saying(rnd, worker_type)}",
                created_at=now,
            )
        )
        finished = at.done + 1 == at.total
        changed = conn.execute(
            sa.update(tickets)
            .where(tickets.c.ticket_id == ticket_id, tickets.c.last_completed_stage == stage)
            .values(
                last_completed_stage=worker_type,
                updated_at=now,
                closed_at=now if finished and rnd.random() < 0.7 else None,
            )
        ).rowcount
        if not changed:
            return None
        conn.execute(
            sa.insert(events).values(
                event_type="ticket_stage_completed",
                ticket_id=ticket_id,
                worker_id=worker_id,
                stage=worker_type,
                created_at=now,
                processed=False,
            )
        )
        self._release(conn, worker_id, worker_type, now)
        return f"{worker_id} finished {worker_type} of {ticket_id}"

    def _fail(self, conn: Connection, rnd: random.Random, now: str) -> str | None:
        found = self._active(conn, rnd)
        if found is None:
            return None
        worker_id, worker_type, ticket_id, _, _ = found
        reason = rnd.choice(world.STOP_REASONS[:3])
        conn.execute(
            sa.update(workers)
            .where(workers.c.worker_id == worker_id)
            .values(status="failed", last_activity=now)
        )
        conn.execute(
            sa.insert(events).values(
                event_type="worker_stopped",
                ticket_id=ticket_id,
                worker_id=worker_id,
                stage=worker_type,
                reason=reason,
                created_at=now,
                processed=False,
            )
        )
        return f"{worker_id} failed on {ticket_id}: {reason}"

    # --- tickets and events ---

    def _new_ticket(self, conn: Connection, rnd: random.Random, now: str) -> str | None:
        names = list(
            conn.execute(
                sa.select(projects.c.repository_name).order_by(projects.c.repository_name)
            ).scalars()
        )
        if not names:
            return None
        project = rnd.choice(names)
        spec = next((p for p in world.PROJECTS if p.name == project), None)
        if spec is not None:
            plan = list(rnd.choice(spec.plans))
        else:
            types = list(
                conn.execute(
                    sa.select(worker_types.c.worker_type)
                    .where(worker_types.c.project_id == project)
                    .order_by(worker_types.c.id)
                ).scalars()
            )
            plan = types[: rnd.randint(2, 5)] if types else ["coder"]
        ticket_id = f"T-{rnd.getrandbits(24):06x}"
        conn.execute(
            sa.insert(tickets).values(
                ticket_id=ticket_id,
                project_id=project,
                title=rnd.choice(world.TITLES),
                execution_plan=json.dumps(plan),
                last_completed_stage=PLANNED,
                created_at=now,
                updated_at=now,
            )
        )
        return f"new ticket {ticket_id}"

    def _process_events(self, conn: Connection, rnd: random.Random, now: str) -> str | None:
        ids = list(
            conn.execute(
                sa.select(events.c.id)
                .where(events.c.processed == sa.false())
                .order_by(events.c.id)
                .limit(3)
            ).scalars()
        )
        if not ids:
            return None
        conn.execute(sa.update(events).where(events.c.id.in_(ids)).values(processed=True))
        return f"processed {len(ids)} events"

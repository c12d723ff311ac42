"""A demo database of the ticket system: three projects whose plans order their worker
types differently, tickets at every stage (some closed), their comments stage by stage,
workers spawning, active, idle, finished and failed (one stalled), and events.

Every timestamp is relative to `now`; the same seed writes the same rows.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.engines import create_database
from ringmaster_tui.sources.tickets.plan import PLANNED
from ringmaster_tui.sources.tickets.schema import (
    comments,
    events,
    projects,
    tickets,
    tickets_ddl,
    worker_types,
    workers,
)
from ringmaster_tui.sources.tickets.sim import world
from ringmaster_tui.sources.tickets.sim.world import PROJECTS, PROMPTS

TICKETS_PER_PROJECT = 12


def create_demo_database(path: Path, *, seed: int = 7, now: datetime | None = None) -> None:
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    rows = _DemoRows(random.Random(seed), now)
    rows.build()
    database = create_database(path, tickets_ddl())
    try:
        database.write_with_retry(rows.write)
    finally:
        database.dispose()


def ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


class _DemoRows:
    def __init__(self, rnd: random.Random, now: datetime) -> None:
        self.rnd = rnd
        self.now = now
        self.rows: dict[str, list[dict[str, Any]]] = {
            name: []
            for name in ("projects", "worker_types", "tickets", "comments", "workers", "events")
        }
        self.worker_number = 0

    def ago(self, **delta: float) -> str:
        return ts(self.now - timedelta(**delta))

    def build(self) -> None:
        number = 0
        for spec in PROJECTS:
            self.rows["projects"].append(
                {
                    "repository_name": spec.name,
                    "path": spec.path,
                    "short_description": spec.description,
                    "created_at": self.ago(days=60),
                    "updated_at": self.ago(days=60),
                }
            )
            for worker_type in spec.worker_types:
                description, prompt = PROMPTS[worker_type]
                self.rows["worker_types"].append(
                    {
                        "project_id": spec.name,
                        "worker_type": worker_type,
                        "short_description": description,
                        "system_prompt": prompt,
                        "created_at": self.ago(days=60),
                        "updated_at": self.ago(days=60),
                    }
                )
            for _ in range(TICKETS_PER_PROJECT):
                number += 1
                self._ticket(spec, number)
            for worker_type in spec.worker_types:
                self._worker(
                    spec.name, worker_type, "idle", world.idle_queue(spec.name, worker_type)
                )
            self._worker(
                spec.name,
                spec.worker_types[0],
                "spawning",
                world.idle_queue(spec.name, spec.worker_types[0]),
                minutes=0.5,
            )
        # A worker silent for long while it says it works: the workers view marks it.
        stalled_ticket = next(
            t for t in self.rows["tickets"] if t["closed_at"] is None and t["_next"]
        )
        self._worker(
            stalled_ticket["project_id"],
            stalled_ticket["_next"],
            "active",
            world.ticket_queue(stalled_ticket["_next"], stalled_ticket["ticket_id"]),
            minutes=45,
        )
        stalled_ticket["_taken"] = True

    def _ticket(self, spec: world.ProjectSpec, number: int) -> None:
        rnd = self.rnd
        ticket_id = f"T-{number:03d}"
        plan = rnd.choice(spec.plans)
        done = rnd.randint(0, len(plan))
        closed = done == len(plan) and rnd.random() < 0.6
        created = self.now - timedelta(hours=rnd.uniform(3, 24 * 6))
        moment = created
        for stage_number, stage in enumerate(plan[:done], start=1):
            moment += timedelta(minutes=rnd.uniform(10, 240))
            moment = min(moment, self.now - timedelta(minutes=2))
            worker_id = self._worker(
                spec.name, stage, "finished", world.ticket_queue(stage, ticket_id), at=moment
            )
            for _ in range(rnd.randint(1, 2)):
                self.rows["comments"].append(
                    {
                        "ticket_id": ticket_id,
                        "worker_type": stage,
                        "worker_id": worker_id,
                        "stage_number": stage_number,
                        "content": world.saying(rnd, stage),
                        "created_at": ts(moment),
                    }
                )
            self._event("ticket_stage_completed", ticket_id, worker_id, stage, None, moment)
        # A worker failed on some ticket's next stage, and said why it stopped.
        next_stage = plan[done] if done < len(plan) else None
        if next_stage and rnd.random() < 0.15:
            failed_at = moment + timedelta(minutes=rnd.uniform(5, 30))
            failed_at = min(failed_at, self.now - timedelta(minutes=1))
            worker_id = self._worker(
                spec.name,
                next_stage,
                "failed",
                world.ticket_queue(next_stage, ticket_id),
                at=failed_at,
            )
            self._event(
                "worker_stopped",
                ticket_id,
                worker_id,
                next_stage,
                rnd.choice(world.STOP_REASONS[:3]),
                failed_at,
            )
        self.rows["tickets"].append(
            {
                "ticket_id": ticket_id,
                "project_id": spec.name,
                "title": world.ticket_title(rnd, number - 1),
                "execution_plan": json.dumps(list(plan)),
                "last_completed_stage": plan[done - 1] if done else PLANNED,
                "created_at": ts(created),
                "updated_at": ts(moment),
                "closed_at": ts(moment + timedelta(minutes=5)) if closed else None,
                "_next": None if closed else next_stage,
            }
        )
        # Tickets waiting for their next stage: an active worker is on one in three.
        if next_stage and not closed and rnd.random() < 0.35:
            self._worker(
                spec.name,
                next_stage,
                "active",
                world.ticket_queue(next_stage, ticket_id),
                minutes=rnd.uniform(0.5, 4),
            )

    def _worker(
        self,
        project: str,
        worker_type: str,
        status: str,
        queue: str,
        *,
        at: datetime | None = None,
        minutes: float = 1.0,
    ) -> str:
        self.worker_number += 1
        worker_id = f"{worker_type}-{self.worker_number}"
        last = at or self.now - timedelta(minutes=minutes)
        self.rows["workers"].append(
            {
                "worker_id": worker_id,
                "project_id": project,
                "worker_type": worker_type,
                "status": status,
                "pid": 40000 + self.worker_number * 7,
                "queue_name": queue,
                "started_at": ts(last - timedelta(minutes=self.rnd.uniform(3, 60))),
                "last_activity": ts(last),
            }
        )
        if status == "finished" and self.rnd.random() < 0.2:
            self._event("worker_stopped", None, worker_id, worker_type, "finished its queue", last)
        return worker_id

    def _event(
        self,
        kind: str,
        ticket_id: str | None,
        worker_id: str,
        stage: str,
        reason: str | None,
        at: datetime,
    ) -> None:
        self.rows["events"].append(
            {
                "event_type": kind,
                "ticket_id": ticket_id,
                "worker_id": worker_id,
                "stage": stage,
                "reason": reason,
                "created_at": ts(at),
                "processed": at < self.now - timedelta(hours=2),
            }
        )

    def write(self, conn: Connection) -> None:
        tables = {
            "projects": projects,
            "worker_types": worker_types,
            "tickets": tickets,
            "workers": workers,
            "comments": comments,
            "events": events,
        }
        self.rows["events"].sort(key=lambda e: e["created_at"])
        self.rows["comments"].sort(key=lambda c: c["created_at"])
        for name, table in tables.items():
            values = [
                {k: v for k, v in row.items() if not k.startswith("_")} for row in self.rows[name]
            ]
            if values:
                conn.execute(sa.insert(table), values)

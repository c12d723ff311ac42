"""Ticket-system databases with known contents, written with plain sqlite3 as the
orchestrator would; run as a script (`python -m tests.sources.tickets.builders PATH`) a
second process writes the standard board.

Timestamps are relative to tests.builders.NOW, so every age a test checks is known.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

from ringmaster_tui.engines import create_database
from ringmaster_tui.sources.tickets.schema import tickets_ddl
from tests.builders import ago

# The project whose plans order reviewer before tester, and the one that orders them
# the other way round.
ALPHA_PLAN = ["planner", "coder", "reviewer", "tester"]
BETA_PLAN = ["coder", "tester", "reviewer"]
# The pid the active worker on A-2 reports: the writer's own (alive while it runs the
# test), and one no process has.
GONE_PID = 4_999_999


class TicketsBuilder:
    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.exists():
            create_database(path, tickets_ddl()).dispose()
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA foreign_keys = ON")

    def insert(self, table: str, **values: Any) -> None:
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        self.conn.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values())
        )

    def project(self, name: str, *worker_types: str) -> None:
        self.insert("projects", repository_name=name, path=f"/srv/{name}")
        for worker_type in worker_types:
            self.insert(
                "worker_types",
                project_id=name,
                worker_type=worker_type,
                short_description=f"the {worker_type}",
                system_prompt=f"You are the {worker_type}.",
            )

    def ticket(
        self,
        ticket_id: str,
        project: str,
        title: str,
        plan: list[str] | str,
        last: str = "Planned",
        **values: Any,
    ) -> None:
        values.setdefault("created_at", ago(days=2))
        values.setdefault("updated_at", ago(hours=1))
        self.insert(
            "tickets",
            ticket_id=ticket_id,
            project_id=project,
            title=title,
            execution_plan=plan if isinstance(plan, str) else json.dumps(plan),
            last_completed_stage=last,
            **values,
        )

    def worker(
        self, worker_id: str, project: str, worker_type: str, status: str, queue: str, **values: Any
    ) -> None:
        values.setdefault("started_at", ago(hours=2))
        values.setdefault("last_activity", ago(minutes=1))
        values.setdefault("pid", GONE_PID)
        self.insert(
            "workers",
            worker_id=worker_id,
            project_id=project,
            worker_type=worker_type,
            status=status,
            queue_name=queue,
            **values,
        )

    def comment(
        self,
        ticket_id: str,
        worker_type: str,
        worker_id: str,
        stage: int,
        content: str,
        **values: Any,
    ) -> None:
        values.setdefault("created_at", ago(hours=1))
        self.insert(
            "comments",
            ticket_id=ticket_id,
            worker_type=worker_type,
            worker_id=worker_id,
            stage_number=stage,
            content=content,
            **values,
        )

    def event(self, event_type: str, **values: Any) -> None:
        values.setdefault("created_at", ago(minutes=30))
        values.setdefault("processed", 0)
        self.insert("events", event_type=event_type, **values)

    def close(self) -> None:
        self.conn.close()


def build_standard_tickets(path: Path, *, active_pid: int = GONE_PID) -> None:
    """Two projects whose plans order reviewer and tester differently, a ticket in every
    lane (and two in OTHER), workers of every status, comments and events."""
    b = TicketsBuilder(path)
    b.project("alpha", "planner", "coder", "reviewer", "tester")
    b.project("beta", "coder", "tester", "reviewer")
    b.ticket("A-1", "alpha", "Write the login page", ALPHA_PLAN, updated_at=ago(days=3))
    b.ticket(
        "A-2", "alpha", "Add password reset", ALPHA_PLAN, "planner", updated_at=ago(minutes=20)
    )
    b.ticket(
        "A-3",
        "alpha",
        "Fix [red]markup[/red] in titles",
        ALPHA_PLAN,
        "coder",
        updated_at=ago(hours=2),
    )
    b.ticket("A-4", "alpha", "Speed up search", ALPHA_PLAN, "tester", updated_at=ago(hours=5))
    b.ticket(
        "A-5",
        "alpha",
        "Remove the old cart",
        ALPHA_PLAN,
        "tester",
        updated_at=ago(hours=6),
        closed_at=ago(hours=6),
    )
    b.ticket("A-6", "alpha", "Decide on a plan", [], updated_at=ago(hours=3))
    b.ticket("B-1", "beta", "Bill by the hour", BETA_PLAN, "coder", updated_at=ago(minutes=40))
    b.ticket("B-2", "beta", "Refund flow", BETA_PLAN, "tester", updated_at=ago(hours=4))
    b.ticket("B-3", "beta", "Plan got mangled", "{not json", updated_at=ago(hours=7))
    b.ticket(
        "B-4",
        "beta",
        "Old plan \x1b]2;owned\x07 stage",
        BETA_PLAN,
        "designer",
        updated_at=ago(hours=8),
    )

    b.worker("coder-1", "alpha", "coder", "active", "coder:A-2", pid=active_pid)
    b.worker("reviewer-2", "alpha", "reviewer", "idle", "alpha/reviewer")
    b.worker("tester-3", "beta", "tester", "active", "tester:B-1", last_activity=ago(minutes=30))
    b.worker("coder-9", "alpha", "coder", "failed", "coder:A-3", last_activity=ago(minutes=50))
    b.worker("planner-4", "alpha", "planner", "finished", "planner:A-2", last_activity=ago(hours=1))
    b.worker("coder-5", "beta", "coder", "spawning", "beta/coder", pid=None)

    b.comment(
        "A-2",
        "planner",
        "planner-4",
        1,
        "Plan: a reset token, an email, a form.",
        created_at=ago(hours=1),
    )
    b.comment(
        "A-2",
        "coder",
        "coder-1",
        2,
        "Token model done; the email is next.",
        created_at=ago(minutes=25),
    )
    b.comment(
        "A-2", "coder", "coder-1", 2, "Email sent through the queue.", created_at=ago(minutes=21)
    )
    b.event(
        "ticket_stage_completed",
        ticket_id="A-2",
        worker_id="planner-4",
        stage="planner",
        created_at=ago(hours=1),
        processed=1,
    )
    b.event(
        "worker_stopped",
        ticket_id="A-3",
        worker_id="coder-9",
        stage="coder",
        reason="exited with code 1: tests failed",
        created_at=ago(minutes=50),
    )
    b.close()


if __name__ == "__main__":
    build_standard_tickets(
        Path(sys.argv[1]), active_pid=int(sys.argv[2]) if len(sys.argv) > 2 else GONE_PID
    )

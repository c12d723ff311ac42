"""The ticket/worker system as a Source: its workflow built from the data at open time,
the readers (one module per view) inside one read transaction, actions for writes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.domain.capabilities import Capabilities, ViewOffer
from ringmaster_tui.domain.outcome import Outcome
from ringmaster_tui.domain.snapshot import BoardQuery, Project, Snapshot, Totals
from ringmaster_tui.domain.timefmt import utc_now
from ringmaster_tui.domain.views import SectionedDetail
from ringmaster_tui.engines.base import Engine
from ringmaster_tui.sources.common import EngineSource
from ringmaster_tui.sources.tickets import read_events, read_problems, read_workers
from ringmaster_tui.sources.tickets.actions import Actions
from ringmaster_tui.sources.tickets.read_board import read_board
from ringmaster_tui.sources.tickets.read_detail import read_detail
from ringmaster_tui.sources.tickets.schema import projects, schema_for, workers
from ringmaster_tui.sources.tickets.stages import read_stage_order
from ringmaster_tui.sources.tickets.workflow import build_workflow

CAPABILITIES = Capabilities(
    views=(
        ViewOffer("board", "Board"),
        ViewOffer(read_workers.VIEW_ID, "Workers", table=True, filter_hint="filter workers"),
        ViewOffer(read_problems.VIEW_ID, "Problems", filter_hint="filter problems"),
        ViewOffer(read_events.VIEW_ID, "Events", filter_hint="filter events"),
    ),
)
# The project picker lists this many projects at most.
PROJECT_LIMIT = 500


class TicketsSource(EngineSource):
    kind = "tickets"
    title = "ticket system"
    capabilities = CAPABILITIES

    def __init__(
        self,
        engine: Engine,
        user: str,
        *,
        pid_alive: read_workers.PidAlive | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(engine, user)
        present = engine.table_names()
        # Optional: without them the picker lists no project, the events say so.
        self.has_projects = "projects" in present
        self.has_events = "events" in present
        with engine.read() as conn:
            self.stages = read_stage_order(conn)
        # Built once: the dashboard lays its lanes out from it when it starts.
        self.workflow = build_workflow(self.stages)
        local = engine.kind == "sqlite"
        self.pid_alive = pid_alive or (read_workers.local_pid_alive if local else None)
        """Checks a worker's pid on this machine; None where the database is remote."""
        self._actions = Actions(engine, user, clock or utc_now)

    def schema_ddl(self) -> str:
        return schema_for(self.engine.kind)

    def snapshot(self, query: BoardQuery, now: datetime) -> Snapshot:
        with self.engine.read() as conn:
            project_list = self._projects(conn) if self.has_projects else ()
            active = read_workers.read_active_workers(conn)
            board = read_board(conn, query, now, self.workflow, active)
            active_count = conn.execute(
                sa.select(sa.func.count()).where(workers.c.status == "active")
            ).scalar_one()
            tables = {}
            if read_workers.VIEW_ID in query.lists:
                tables[read_workers.VIEW_ID] = read_workers.read_workers_table(
                    conn, query, now, self.pid_alive
                )
            if read_problems.VIEW_ID in query.lists:
                tables[read_problems.VIEW_ID] = read_problems.read_problems(
                    conn, query, now, has_events=self.has_events
                )
            if read_events.VIEW_ID in query.lists:
                tables[read_events.VIEW_ID] = (
                    read_events.read_events(conn, query, now)
                    if self.has_events
                    else read_events.MISSING
                )
        return Snapshot(
            taken_at=now,
            query=query,
            projects=project_list,
            lanes=board.lanes,
            states=board.states,
            totals=Totals(
                cards=board.total,
                active_loops=active_count,
                unresolved_errors=None,
                pending_decisions=None,
                unacknowledged_alerts=None,
                critical_alerts=None,
            ),
            tables=tables,
            unavailable=tuple(
                name
                for name, has in (("projects", self.has_projects), ("events", self.has_events))
                if not has
            ),
        )

    def card_detail(self, card_id: str, now: datetime) -> SectionedDetail | None:
        with self.engine.read() as conn:
            active = read_workers.read_active_workers(conn)
            return read_detail(conn, card_id, now, active, has_events=self.has_events)

    @staticmethod
    def _projects(conn: Connection) -> tuple[Project, ...]:
        listed = conn.execute(
            sa.select(projects.c.repository_name)
            .order_by(projects.c.repository_name)
            .limit(PROJECT_LIMIT)
        ).scalars()
        return tuple(Project(id=name, name=name) for name in listed)

    def transition(
        self,
        card_id: str,
        seen_state: str,
        trigger: str,
        to_state: str,
        note: str | None = None,
    ) -> Outcome:
        return self._actions.transition(card_id, seen_state, trigger, to_state, note)

    def move_targets(self, card_id: str, trigger: str) -> tuple[str, ...]:
        return self._actions.move_targets(card_id, trigger)

"""One snapshot of a Ralph database: the board, the picker's groups, the header's counts,
and the table views the query lists, in the caller's one read transaction."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.domain.snapshot import BoardQuery, Snapshot, Totals
from ringmaster_tui.domain.views import TableData
from ringmaster_tui.sources.ralph.models import agent_executions
from ringmaster_tui.sources.ralph.read import loops, problems
from ringmaster_tui.sources.ralph.read.board import BoardReader, CardCache
from ringmaster_tui.sources.ralph.read.context import Reading
from ringmaster_tui.sources.ralph.read.groups import read_groups


def read_snapshot(conn: Connection, query: BoardQuery, now: datetime, cards: CardCache) -> Snapshot:
    reading = Reading(conn, now)
    board = BoardReader(reading, query, cards)
    states = board.states()
    lanes = board.lanes(states)
    running = reading.scalar(
        sa.select(sa.func.count())
        .select_from(agent_executions)
        .where(agent_executions.c.status == "running")
    )
    tables: dict[str, TableData] = {}
    if loops.VIEW in query.lists:
        tables[loops.VIEW] = loops.read_loops(reading, query)
    if problems.VIEW in query.lists:
        tables[problems.VIEW] = problems.read_problems(reading, query)
    return Snapshot(
        taken_at=now,
        query=query,
        projects=read_groups(reading),
        lanes=lanes,
        states=states,
        totals=Totals(
            cards=sum(states.values()),
            active_loops=running,
            unresolved_errors=None,
            pending_decisions=None,
            unacknowledged_alerts=None,
            critical_alerts=None,
        ),
        unavailable=reading.unavailable(),
        tables=tables,
    )

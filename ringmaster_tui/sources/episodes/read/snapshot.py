"""One snapshot of the episodic memory store: the board, and the one list view on screen."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection

from ringmaster_tui.domain.snapshot import BoardQuery, Snapshot
from ringmaster_tui.domain.views import TableData
from ringmaster_tui.sources.episodes.read import board, live, patterns, problems
from ringmaster_tui.sources.episodes.read.context import ReadContext

LIST_READERS = {
    live.VIEW_ID: live.live_table,
    patterns.VIEW_ID: patterns.patterns_table,
    problems.VIEW_ID: problems.problems_table,
}


def read_snapshot(conn: Connection, query: BoardQuery, now: datetime) -> Snapshot:
    ctx = ReadContext(conn, now)
    counts = board.status_counts(ctx, query)
    tables: dict[str, TableData] = {
        view_id: read(ctx, query)
        for view_id, read in LIST_READERS.items()
        if view_id in query.lists
    }
    return Snapshot(
        taken_at=now,
        query=query,
        projects=board.domains(ctx),
        lanes=board.lanes(ctx, query, counts),
        states=counts,
        totals=board.totals(counts, query),
        unavailable=ctx.unavailable(),
        tables=tables,
    )

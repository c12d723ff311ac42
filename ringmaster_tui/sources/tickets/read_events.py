"""Events: stage completions and stopped workers, the unprocessed ones first, newest first
within each (two reads on idx_events_processed, so no sort of the whole table)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.domain.values import to_moment
from ringmaster_tui.domain.views import Column, Fact, FactKind, TableData, TableRow, text_fact
from ringmaster_tui.domain.workflow import Tone
from ringmaster_tui.sources.tickets.filters import AnyRow, matches
from ringmaster_tui.sources.tickets.schema import events

VIEW_ID = "events"

COLUMNS = (
    Column("when", "when", 8),
    Column("type", "event", 16),
    Column("ticket", "ticket", 10),
    Column("stage", "stage", 10, drop=2),
    Column("worker", "worker", 12, drop=1),
    Column("reason", "reason", 12, flex=True),
    Column("processed", "", 11),
)


MISSING = TableData(
    columns=COLUMNS,
    rows=(),
    total=0,
    missing="This database has no events table (seed 001 has one); nothing to show.",
)


def read_events(conn: Connection, query: BoardQuery, now: datetime) -> TableData:
    where = []
    text = query.text_of(VIEW_ID)
    if text:
        where.append(
            matches(
                text,
                events.c.event_type,
                events.c.ticket_id,
                events.c.worker_id,
                events.c.stage,
                events.c.reason,
            )
        )
    unprocessed = events.c.processed == sa.false()
    total = conn.execute(sa.select(sa.func.count()).select_from(events).where(*where)).scalar_one()
    waiting = conn.execute(
        sa.select(sa.func.count()).select_from(events).where(unprocessed, *where)
    ).scalar_one()
    limit = query.list_limit
    found = list(
        conn.execute(
            sa.select(events).where(unprocessed, *where).order_by(events.c.id.desc()).limit(limit)
        )
    )
    if len(found) < limit:
        found += conn.execute(
            sa.select(events)
            .where(events.c.processed == sa.true(), *where)
            .order_by(events.c.id.desc())
            .limit(limit - len(found))
        ).all()
    return TableData(
        columns=COLUMNS,
        rows=tuple(_row(row, now) for row in found),
        total=total,
        summary=f"events · {waiting} unprocessed",
        empty="No events." if not text else "No event matches the filter.",
    )


def _row(row: AnyRow, now: datetime) -> TableRow:
    moment = to_moment(row.created_at)
    when = (
        text_fact(None)
        if moment is None
        else Fact(kind=FactKind.DURATION, number=max((now - moment).total_seconds(), 0.0))
    )
    processed = bool(row.processed)
    stopped = row.event_type == "worker_stopped"
    return TableRow(
        id=str(row.id),
        cells={
            "when": when,
            "type": text_fact(row.event_type, Tone.WAITING if stopped else Tone.PLAIN),
            "ticket": text_fact(row.ticket_id),
            "stage": text_fact(row.stage),
            "worker": text_fact(row.worker_id),
            "reason": text_fact(row.reason),
            "processed": text_fact("processed" if processed else "unprocessed"),
        },
        tone=Tone.MUTED if processed else Tone.PLAIN,
        card_id=row.ticket_id,
        seen="processed" if processed else "unprocessed",
    )

"""Problems: failed workers, workers stopped (worker_stopped events, with their reason), and
open tickets that have stayed in one stage longer than a threshold. Newest first; each
kind read by its own index, at most a list's worth of each."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.domain.values import to_moment
from ringmaster_tui.domain.views import Column, Fact, FactKind, TableData, TableRow, text_fact
from ringmaster_tui.domain.workflow import Tone
from ringmaster_tui.sources.tickets.filters import matches, stored_time
from ringmaster_tui.sources.tickets.plan import position
from ringmaster_tui.sources.tickets.schema import events, tickets, workers

VIEW_ID = "problems"
# An open ticket whose last update is older than this is stalled in its stage.
STALLED_TICKET_HOURS = 24

COLUMNS = (
    Column("kind", "problem", 15),
    Column("subject", "ticket / worker", 16),
    Column("stage", "stage", 10, drop=2),
    Column("detail", "detail", 20, flex=True),
    Column("when", "when", 8),
)


def read_problems(
    conn: Connection, query: BoardQuery, now: datetime, *, has_events: bool = True
) -> TableData:
    """`has_events`: the database has an events table (seed 001 has; an older one may not)."""
    text = query.text_of(VIEW_ID)
    limit = query.list_limit
    cutoff = stored_time(now - timedelta(hours=STALLED_TICKET_HOURS))

    failed_where = [workers.c.status == "failed"]
    stopped_where = [events.c.event_type == "worker_stopped"]
    stalled_where = [tickets.c.closed_at.is_(None), tickets.c.updated_at < cutoff]
    if text:
        failed_where.append(
            matches(text, workers.c.worker_id, workers.c.worker_type, workers.c.queue_name)
        )
        stopped_where.append(
            matches(text, events.c.worker_id, events.c.ticket_id, events.c.reason, events.c.stage)
        )
        stalled_where.append(matches(text, tickets.c.ticket_id, tickets.c.title))

    def count(table: sa.Table, where: list[sa.ColumnElement[bool]]) -> int:
        found = conn.execute(sa.select(sa.func.count()).select_from(table).where(*where))
        return int(found.scalar_one())

    total = count(workers, failed_where) + (count(events, stopped_where) if has_events else 0)
    total += count(tickets, stalled_where)

    rows: list[tuple[datetime | None, TableRow]] = []
    for w in conn.execute(
        sa.select(
            workers.c.worker_id,
            workers.c.worker_type,
            workers.c.queue_name,
            workers.c.last_activity,
        )
        .where(*failed_where)
        .order_by(workers.c.last_activity.desc(), workers.c.worker_id.desc())
        .limit(limit)
    ):
        at = to_moment(w.last_activity)
        row = TableRow(
            id=f"worker:{w.worker_id}",
            cells={
                "kind": text_fact("worker failed", Tone.BAD),
                "subject": text_fact(w.worker_id),
                "stage": text_fact(w.worker_type),
                "detail": text_fact(f"queue {w.queue_name}"),
                "when": _ago(at, now),
            },
            tone=Tone.BAD,
        )
        rows.append((at, row))
    stopped = (
        ()
        if not has_events
        else conn.execute(
            sa.select(
                events.c.id,
                events.c.ticket_id,
                events.c.worker_id,
                events.c.stage,
                events.c.reason,
                events.c.created_at,
            )
            .where(*stopped_where)
            .order_by(events.c.id.desc())
            .limit(limit)
        )
    )
    for e in stopped:
        at = to_moment(e.created_at)
        subject = e.worker_id or e.ticket_id
        row = TableRow(
            id=f"event:{e.id}",
            cells={
                "kind": text_fact("worker stopped", Tone.WAITING),
                "subject": text_fact(subject),
                "stage": text_fact(e.stage),
                "detail": text_fact(e.reason or "no reason given"),
                "when": _ago(at, now),
            },
            card_id=e.ticket_id,
        )
        rows.append((at, row))
    for t in conn.execute(
        sa.select(
            tickets.c.ticket_id,
            tickets.c.title,
            tickets.c.execution_plan,
            tickets.c.last_completed_stage,
            tickets.c.updated_at,
        )
        .where(*stalled_where)
        .order_by(tickets.c.updated_at, tickets.c.ticket_id)
        .limit(limit)
    ):
        at = to_moment(t.updated_at)
        state = position(t.execution_plan, t.last_completed_stage, closed=False).state
        row = TableRow(
            id=f"ticket:{t.ticket_id}",
            cells={
                "kind": text_fact("ticket stalled", Tone.WAITING),
                "subject": text_fact(t.ticket_id),
                "stage": text_fact(state),
                "detail": text_fact(t.title),
                "when": _ago(at, now),
            },
            card_id=t.ticket_id,
            seen=state,
        )
        rows.append((at, row))
    rows.sort(key=lambda pair: pair[0] or datetime.min.replace(tzinfo=now.tzinfo), reverse=True)
    return TableData(
        columns=COLUMNS,
        rows=tuple(row for _, row in rows[:limit]),
        total=total,
        summary="problems",
        empty="No problems." if not text else "No problem matches the filter.",
    )


def _ago(moment: datetime | None, now: datetime) -> Fact:
    if moment is None:
        return text_fact(None)
    return Fact(kind=FactKind.DURATION, number=max((now - moment).total_seconds(), 0.0))

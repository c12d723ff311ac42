"""One ticket in full: its facts, its plan stage by stage (done or to do), its comments
grouped by stage, and the events that name it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.domain.timefmt import age
from ringmaster_tui.domain.values import to_moment
from ringmaster_tui.domain.views import (
    DetailSection,
    Fact,
    FactKind,
    SectionedDetail,
    number_fact,
    text_fact,
)
from ringmaster_tui.domain.workflow import Tone
from ringmaster_tui.sources.tickets.filters import AnyRow
from ringmaster_tui.sources.tickets.plan import parse_plan, position, stage_name
from ringmaster_tui.sources.tickets.read_workers import ActiveWorkers
from ringmaster_tui.sources.tickets.schema import comments, events, tickets, worker_types

# The newest comments and events a detail shows; older ones are counted, not read.
COMMENT_LIMIT = 300
EVENT_LIMIT = 100
# A comment longer than this is cut in the detail (the rest is in the database).
COMMENT_CHARS = 4000


def read_detail(
    conn: Connection,
    ticket_id: str,
    now: datetime,
    workers: ActiveWorkers,
    *,
    has_events: bool = True,
) -> SectionedDetail | None:
    ticket = conn.execute(sa.select(tickets).where(tickets.c.ticket_id == ticket_id)).first()
    if ticket is None:
        return None
    closed = ticket.closed_at is not None
    at = position(ticket.execution_plan, ticket.last_completed_stage, closed=closed)
    stages = parse_plan(ticket.execution_plan)
    worker = None
    if at.next_stage is not None and not closed:
        worker = workers.on(ticket.ticket_id, ticket.project_id, at.next_stage)
    facts: list[tuple[str, Fact]] = [
        ("ticket", text_fact(ticket.ticket_id)),
        ("project", text_fact(ticket.project_id)),
        ("lane", text_fact(at.state)),
        ("last completed", text_fact(ticket.last_completed_stage)),
        (
            "progress",
            text_fact("plan unreadable", Tone.BAD)
            if at.total is None
            else number_fact(FactKind.PROGRESS, at.done, total=at.total, label="stages "),
        ),
        ("worker on it", text_fact(worker or "none seen")),
        ("created", _when(ticket.created_at, now)),
        ("updated", _when(ticket.updated_at, now)),
        ("closed", _when(ticket.closed_at, now) if closed else text_fact("open")),
    ]
    sections = [
        DetailSection(title="Ticket", facts=tuple(facts)),
        _plan_section(conn, ticket, stages, at.done),
        *_comment_sections(conn, ticket_id, stages),
        _events_section(conn, ticket_id, now)
        if has_events
        else DetailSection(title="Events", empty="This database has no events table."),
    ]
    return SectionedDetail(
        id=ticket.ticket_id, title=ticket.title, state=at.state, sections=tuple(sections)
    )


def _when(value: object, now: datetime) -> Fact:
    moment = to_moment(value)
    if moment is None:
        return text_fact(None if value is None else f"{value} (not a time)")
    return text_fact(f"{moment:%Y-%m-%d %H:%M} ({age(moment, now)} ago)")


def _plan_section(
    conn: Connection, ticket: AnyRow, stages: tuple[str, ...] | None, done: int
) -> DetailSection:
    if stages is None:
        return DetailSection(
            title="Execution plan",
            text=str(ticket.execution_plan),
            empty="The plan is empty.",
        )
    described = dict(
        conn.execute(
            sa.select(worker_types.c.worker_type, worker_types.c.short_description).where(
                worker_types.c.project_id == ticket.project_id
            )
        ).all()
    )
    rows = []
    for number, stage in enumerate(stages, start=1):
        if number <= done:
            status = text_fact("done", Tone.GOOD)
        elif number == done + 1 and ticket.closed_at is None:
            status = text_fact("next", Tone.ACTIVE)
        else:
            status = text_fact("to do")
        rows.append(
            (text_fact(str(number)), text_fact(stage), status, text_fact(described.get(stage)))
        )
    return DetailSection(
        title=f"Execution plan ({done} of {len(stages)} done)",
        columns=("#", "stage", "status", "worker type"),
        rows=tuple(rows),
        empty="The plan names no stage.",
    )


def _comment_sections(
    conn: Connection, ticket_id: str, stages: tuple[str, ...] | None
) -> list[DetailSection]:
    total = conn.execute(
        sa.select(sa.func.count()).where(comments.c.ticket_id == ticket_id)
    ).scalar_one()
    newest = conn.execute(
        sa.select(comments)
        .where(comments.c.ticket_id == ticket_id)
        .order_by(comments.c.id.desc())
        .limit(COMMENT_LIMIT)
    ).all()
    if not newest:
        return [DetailSection(title="Comments", empty="No comments.")]
    groups: dict[int | None, list[AnyRow]] = {}
    for row in reversed(newest):  # oldest first, as a thread reads
        number = row.stage_number if isinstance(row.stage_number, int) else None
        groups.setdefault(number, []).append(row)
    sections = []
    if total > len(newest):
        sections.append(
            DetailSection(
                title="Comments",
                text=f"{total - len(newest):,} older comments not shown.",
            )
        )
    for number, rows in groups.items():
        title = f"Comments · {stage_name(stages, number)} ({len(rows)})"
        sections.append(DetailSection(title=title, text=_thread(rows)))
    return sections


def _thread(rows: Sequence[AnyRow]) -> str:
    parts = []
    for row in rows:
        moment = to_moment(row.created_at)
        when = f"{moment:%Y-%m-%d %H:%M}" if moment else str(row.created_at)
        who = " · ".join(str(v) for v in (row.worker_type, row.worker_id) if v) or "unknown"
        content = str(row.content)
        if len(content) > COMMENT_CHARS:
            content = content[:COMMENT_CHARS] + f"… ({len(content) - COMMENT_CHARS:,} more chars)"
        parts.append(f"{when} · {who}\n{content}")
    return "\n\n".join(parts)


def _events_section(conn: Connection, ticket_id: str, now: datetime) -> DetailSection:
    rows = conn.execute(
        sa.select(events)
        .where(events.c.ticket_id == ticket_id)
        .order_by(events.c.id.desc())
        .limit(EVENT_LIMIT)
    ).all()
    return DetailSection(
        title=f"Events naming it ({len(rows)}{'+' if len(rows) == EVENT_LIMIT else ''})",
        columns=("when", "event", "stage", "worker", "reason", "processed"),
        rows=tuple(
            (
                _when(row.created_at, now),
                text_fact(row.event_type),
                text_fact(row.stage),
                text_fact(row.worker_id),
                text_fact(row.reason),
                text_fact("yes" if row.processed else "no"),
            )
            for row in rows
        ),
        empty="No event names this ticket.",
    )

"""The events view: the event bus, unacknowledged events first (newest first), the
acknowledged ones when asked; filtered by `source:NAME`, `type:NAME` and any text."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ringmaster_tui.domain.values import to_moment
from ringmaster_tui.domain.views import (
    Column,
    FactKind,
    TableData,
    TableRow,
    number_fact,
    text_fact,
)
from ringmaster_tui.domain.workflow import Tone
from ringmaster_tui.engines.sql import descending
from ringmaster_tui.sources.coordination.read.common import (
    CELL_CHARS,
    COUNT_CAP,
    Reading,
    cut_text,
    like_pattern,
    matches,
)
from ringmaster_tui.sources.coordination.tables import events

VIEW = "events"
ACKNOWLEDGED_FLAG = "acknowledged"
UNACKNOWLEDGED = "unacknowledged"
ACKNOWLEDGED = "acknowledged"

COLUMNS = (
    Column("age", "Age", 6),
    Column("source", "Source", 12),
    Column("type", "Type", 18),
    Column("priority", "P", 2, drop=3),
    Column("payload", "Payload", 20, flex=True),
    Column("by", "Acknowledged by", 15, drop=1),
)


@dataclass(frozen=True)
class EventFilter:
    """What the view's filter text asks for: `source:` and `type:` words, and any text."""

    source: str | None = None
    event_type: str | None = None
    text: str = ""

    @classmethod
    def parse(cls, typed: str) -> EventFilter:
        source = event_type = None
        rest = []
        for word in typed.split():
            key, _, value = word.partition(":")
            if key.casefold() == "source" and value:
                source = value
            elif key.casefold() == "type" and value:
                event_type = value
            else:
                rest.append(word)
        return cls(source, event_type, " ".join(rest))


@functools.lru_cache(maxsize=16)
def _filters(by_source: bool, by_type: bool, by_text: bool) -> tuple[sa.ColumnElement[bool], ...]:
    found = [events.c.acknowledged == sa.bindparam("acknowledged", type_=sa.Integer)]
    if by_source:
        found.append(events.c.source == sa.bindparam("event_source", type_=sa.String))
    if by_type:
        found.append(events.c.event_type == sa.bindparam("event_type", type_=sa.String))
    if by_text:
        pattern = sa.bindparam("event_pattern", type_=sa.String)
        found.append(matches(pattern, events.c.source, events.c.event_type, events.c.payload))
    return tuple(found)


NEWEST_FIRST = (
    descending(events.c.timestamp),
    descending(events.c.id),
)


@functools.lru_cache(maxsize=16)
def events_statement(by_source: bool, by_type: bool, by_text: bool) -> sa.Select[Any]:
    return (
        sa.select(
            events.c.id,
            events.c.timestamp,
            cut_text(events.c.source, CELL_CHARS).label("source"),
            cut_text(events.c.event_type, CELL_CHARS).label("event_type"),
            cut_text(events.c.payload, CELL_CHARS).label("payload"),
            events.c.priority,
            events.c.acknowledged,
            cut_text(events.c.acknowledged_by, CELL_CHARS).label("acknowledged_by"),
        )
        .where(*_filters(by_source, by_type, by_text))
        .order_by(*NEWEST_FIRST)
        .limit(sa.bindparam("remaining", type_=sa.Integer))
    )


@functools.lru_cache(maxsize=16)
def count_statement(by_source: bool, by_type: bool, by_text: bool) -> sa.Select[Any]:
    """How many match, counted up to COUNT_CAP + 1 (a million acknowledged events are not
    counted on every refresh), in the list's order: along the index on every engine
    (unordered, PostgreSQL reads the table until it has counted enough)."""
    inner = (
        sa.select(events.c.id)
        .where(*_filters(by_source, by_type, by_text))
        .order_by(*NEWEST_FIRST)
        .limit(COUNT_CAP + 1)
        .subquery()
    )
    return sa.select(sa.func.count()).select_from(inner)


def events_table(r: Reading) -> TableData:
    if not r.has("events"):
        return TableData(
            columns=COLUMNS, rows=(), total=0, missing="This database has no events table."
        )
    wanted = EventFilter.parse(r.query.text_of(VIEW))
    shapes = (wanted.source is not None, wanted.event_type is not None, bool(wanted.text))
    with_acknowledged = f"{VIEW}.{ACKNOWLEDGED_FLAG}" in r.query.view_flags
    limit = r.query.list_limit
    rows: list[TableRow] = []
    total = 0
    capped = False
    for acknowledged in (0, 1) if with_acknowledged else (0,):
        params = {
            "acknowledged": acknowledged,
            "event_source": wanted.source,
            "event_type": wanted.event_type,
            "event_pattern": like_pattern(wanted.text),
        }
        counted = int(r.execute(count_statement(*shapes), params).scalar_one())
        capped |= counted > COUNT_CAP
        total += min(counted, COUNT_CAP)
        if len(rows) < limit:
            found = r.execute(events_statement(*shapes), {**params, "remaining": limit - len(rows)})
            rows += (_row(r, e) for e in found)
    unacknowledged = sum(1 for row in rows if row.seen == UNACKNOWLEDGED)
    summary = "events" + (f" (or more: counted to {COUNT_CAP:,})" if capped else "")
    if with_acknowledged:
        summary += f" · {unacknowledged} unacknowledged shown"
    return TableData(
        columns=COLUMNS,
        rows=tuple(rows),
        total=total,
        summary=summary,
        empty="No unacknowledged event."
        if not r.query.text_of(VIEW)
        else "No event matches the filter.",
    )


def _row(r: Reading, e: Any) -> TableRow:
    at = to_moment(e.timestamp)
    acknowledged = bool(e.acknowledged)
    return TableRow(
        id=e.id,
        cells={
            "age": number_fact(
                FactKind.DURATION, None if at is None else max((r.now - at).total_seconds(), 0.0)
            ),
            "source": text_fact(e.source),
            "type": text_fact(e.event_type),
            "priority": number_fact(FactKind.COUNT, e.priority),
            "payload": text_fact(e.payload),
            "by": text_fact(e.acknowledged_by),
        },
        tone=Tone.MUTED if acknowledged else (Tone.WAITING if e.priority == 1 else Tone.PLAIN),
        seen=ACKNOWLEDGED if acknowledged else UNACKNOWLEDGED,
    )

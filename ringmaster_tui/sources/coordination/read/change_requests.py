"""The change requests view: requests to change a resource another loop owns, pending
ones first (oldest first), the resolved ones when asked."""

from __future__ import annotations

import functools
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
from ringmaster_tui.engines.sql import ascending
from ringmaster_tui.sources.coordination.read.common import (
    CELL_CHARS,
    COUNT_CAP,
    Reading,
    cut_text,
    like_pattern,
    matches,
)
from ringmaster_tui.sources.coordination.tables import change_requests

VIEW = "changes"
RESOLVED_FLAG = "resolved"
PENDING = "pending"
RESOLVED_STATUSES: tuple[str, ...] = ("approved", "rejected", "applied")
STATUS_TONES = {
    PENDING: Tone.WAITING,
    "approved": Tone.GOOD,
    "rejected": Tone.BAD,
    "applied": Tone.MUTED,
}

COLUMNS = (
    Column("age", "Age", 6),
    Column("status", "Status", 8),
    Column("resource", "Resource", 18, drop=2),
    Column("request", "Type", 7, drop=3),
    Column("from", "From", 12, drop=1),
    Column("owner", "Owner", 12, drop=4),
    Column("description", "Change", 20, flex=True),
)


@functools.lru_cache(maxsize=4)
def _filters(by_text: bool) -> tuple[sa.ColumnElement[bool], ...]:
    found = [change_requests.c.status == sa.bindparam("status", type_=sa.String)]
    if by_text:
        pattern = sa.bindparam("change_pattern", type_=sa.String)
        c = change_requests.c
        found.append(
            matches(pattern, c.resource_path, c.description, c.requestor_loop, c.owner_loop)
        )
    return tuple(found)


@functools.lru_cache(maxsize=4)
def requests_statement(by_text: bool) -> sa.Select[Any]:
    c = change_requests.c
    return (
        sa.select(
            c.id,
            cut_text(c.resource_path, CELL_CHARS).label("resource_path"),
            c.requestor_loop,
            c.owner_loop,
            c.request_type,
            cut_text(c.description, CELL_CHARS).label("description"),
            c.status,
            c.requested_at,
            c.resolved_by,
        )
        .where(*_filters(by_text))
        .order_by(ascending(c.requested_at), ascending(c.id))
        .limit(sa.bindparam("remaining", type_=sa.Integer))
    )


@functools.lru_cache(maxsize=4)
def count_statement(by_text: bool) -> sa.Select[Any]:
    inner = sa.select(change_requests.c.id).where(*_filters(by_text)).limit(COUNT_CAP).subquery()
    return sa.select(sa.func.count()).select_from(inner)


def change_requests_table(r: Reading) -> TableData:
    if not r.has("change_requests"):
        return TableData(
            columns=COLUMNS, rows=(), total=0, missing="This database has no change_requests table."
        )
    text = r.query.text_of(VIEW)
    statuses = (
        (PENDING, *RESOLVED_STATUSES)
        if f"{VIEW}.{RESOLVED_FLAG}" in r.query.view_flags
        else (PENDING,)
    )
    rows: list[TableRow] = []
    total = 0
    for status in statuses:
        params = {"status": status, "change_pattern": like_pattern(text)}
        total += int(r.execute(count_statement(bool(text)), params).scalar_one())
        remaining = r.query.list_limit - len(rows)
        if remaining > 0:
            found = r.execute(requests_statement(bool(text)), {**params, "remaining": remaining})
            rows += (_row(r, c) for c in found)
    return TableData(
        columns=COLUMNS,
        rows=tuple(rows),
        total=total,
        summary="change requests",
        empty="No pending change request." if not text else "No change request matches the filter.",
    )


def _row(r: Reading, c: Any) -> TableRow:
    at = to_moment(c.requested_at)
    status = c.status or ""
    return TableRow(
        id=c.id,
        cells={
            "age": number_fact(
                FactKind.DURATION, None if at is None else max((r.now - at).total_seconds(), 0.0)
            ),
            "status": text_fact(status, STATUS_TONES.get(status, Tone.UNKNOWN)),
            "resource": text_fact(c.resource_path),
            "request": text_fact(c.request_type),
            "from": text_fact(c.requestor_loop),
            "owner": text_fact(c.owner_loop),
            "description": text_fact(c.description),
        },
        tone=Tone.PLAIN if status == PENDING else Tone.MUTED,
        seen=status,
    )

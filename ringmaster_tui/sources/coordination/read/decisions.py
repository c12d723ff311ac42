"""Seed 003's decisions as the dashboard's decisions view shows them: pending ones, least
time left first, then (when asked) the settled ones, newest first."""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa

from ringmaster_tui.domain.snapshot import DecisionDetail, DecisionView
from ringmaster_tui.engines.sql import ascending, descending
from ringmaster_tui.sources.attention_rows import decision_view
from ringmaster_tui.sources.coordination.read.common import (
    CELL_CHARS,
    DETAIL_CHARS,
    Reading,
    cut_text,
    like_pattern,
    matches,
)
from ringmaster_tui.sources.coordination.tables import decisions

SETTLED_STATUSES: tuple[str, ...] = ("decided", "auto_resolved", "expired")


def decision_select(summary_chars: int = CELL_CHARS) -> sa.Select[Any]:
    return sa.select(
        decisions.c.id,
        decisions.c.decision_type,
        cut_text(decisions.c.summary, summary_chars).label("summary"),
        cut_text(decisions.c.options, DETAIL_CHARS).label("options"),
        decisions.c.default_option,
        decisions.c.timeout_minutes,
        decisions.c.status,
        decisions.c.requested_at,
        decisions.c.requested_by,
        decisions.c.decided_at,
        decisions.c.decided_by,
        decisions.c.choice,
    )


@functools.lru_cache(maxsize=8)
def decisions_statement(status: str, by_text: bool) -> sa.Select[Any]:
    filters: list[sa.ColumnElement[bool]] = [decisions.c.status == status]
    if by_text:
        pattern = sa.bindparam("decision_pattern", type_=sa.String)
        filters.append(
            matches(
                pattern, decisions.c.summary, decisions.c.decision_type, decisions.c.requested_by
            )
        )
    # Pending: the oldest first (the least time left); settled: the newest first.
    order = ascending if status == "pending" else descending
    return (
        decision_select()
        .where(*filters)
        .order_by(order(decisions.c.requested_at), order(decisions.c.id))
        .limit(sa.bindparam("list_limit", type_=sa.Integer))
    )


def read_decisions(r: Reading) -> tuple[DecisionView, ...]:
    if not r.has("decisions"):
        return ()
    query = r.query
    by_text = bool(query.decision_text)
    params = {"decision_pattern": like_pattern(query.decision_text), "list_limit": query.list_limit}
    pending = [
        decision_view(row) for row in r.execute(decisions_statement("pending", by_text), params)
    ]
    pending.sort(key=lambda d: (d.deadline is None, d.deadline or r.now))
    if not query.show_decided:
        return tuple(pending)
    settled = [
        decision_view(row)
        for status in SETTLED_STATUSES
        for row in r.execute(decisions_statement(status, by_text), params)
    ]
    settled.sort(key=lambda d: d.requested_at or r.now, reverse=True)
    return tuple(pending + settled[: query.list_limit])


def read_decision_detail(r: Reading, decision_id: str) -> DecisionDetail | None:
    if not r.has("decisions"):
        return None
    row = r.execute(
        decision_select(DETAIL_CHARS)
        .add_columns(
            cut_text(decisions.c.context, DETAIL_CHARS).label("context"),
            cut_text(decisions.c.comment, DETAIL_CHARS).label("comment"),
        )
        .where(decisions.c.id == decision_id)
    ).first()
    if row is None:
        return None
    return DecisionDetail(decision=decision_view(row), context=row.context, comment=row.comment)

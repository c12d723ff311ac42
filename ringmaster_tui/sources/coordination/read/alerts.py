"""Seed 003's alerts as the dashboard's alerts view shows them: unacknowledged ones,
critical first, newest first within a severity; acknowledged ones when asked."""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa

from ringmaster_tui.domain.snapshot import AlertView
from ringmaster_tui.engines.sql import descending
from ringmaster_tui.sources.attention_rows import alert_view
from ringmaster_tui.sources.coordination.read.common import (
    CELL_CHARS,
    Reading,
    cut_text,
    like_pattern,
    matches,
)
from ringmaster_tui.sources.coordination.tables import alerts

SEVERITY_ORDER: tuple[str, ...] = ("critical", "error", "warning", "info")


@functools.lru_cache(maxsize=32)
def alerts_statement(severity: str | None, by_text: bool) -> sa.Select[Any]:
    """Alerts of one severity (None: any other, or none), newest first, by the index."""
    if severity is None:
        severity_filter = sa.or_(
            alerts.c.severity.is_(None), alerts.c.severity.not_in(list(SEVERITY_ORDER))
        )
    else:
        severity_filter = alerts.c.severity == severity
    filters = [
        alerts.c.acknowledged == sa.bindparam("acknowledged", type_=sa.Integer),
        severity_filter,
    ]
    if by_text:
        pattern = sa.bindparam("alert_pattern", type_=sa.String)
        filters.append(matches(pattern, alerts.c.message, alerts.c.alert_type, alerts.c.source))
    return (
        sa.select(
            alerts.c.id,
            alerts.c.severity,
            alerts.c.alert_type,
            cut_text(alerts.c.source, CELL_CHARS).label("source"),
            cut_text(alerts.c.message, CELL_CHARS).label("message"),
            alerts.c.acknowledged,
            alerts.c.acknowledged_by,
            alerts.c.created_at,
        )
        .where(*filters)
        .order_by(descending(alerts.c.created_at), descending(alerts.c.id))
        .limit(sa.bindparam("remaining", type_=sa.Integer))
    )


def read_alerts(r: Reading) -> tuple[AlertView, ...]:
    if not r.has("alerts"):
        return ()
    query = r.query
    by_text = bool(query.alert_text)
    limit = query.list_limit
    found: list[AlertView] = []
    for acknowledged in (0, 1) if query.show_acknowledged else (0,):
        for severity in (*SEVERITY_ORDER, None):
            params = {
                "acknowledged": acknowledged,
                "alert_pattern": like_pattern(query.alert_text),
                "remaining": limit - len(found),
            }
            found += (
                alert_view(row) for row in r.execute(alerts_statement(severity, by_text), params)
            )
            if len(found) >= limit:
                return tuple(found)
    return tuple(found)

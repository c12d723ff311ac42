"""The header's counts, the urgent items every snapshot carries, and the kind's own
counts that `status --json` prints."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ringmaster_tui.domain.snapshot import Totals, Urgent
from ringmaster_tui.engines.sql import descending
from ringmaster_tui.sources.coordination.read.common import TITLE_CHARS, Reading, cut_text
from ringmaster_tui.sources.coordination.tables import (
    alerts,
    change_requests,
    decisions,
    events,
    loops,
    tests,
)

URGENT_LIMIT = 20


def _count(r: Reading, table: sa.Table, *where: sa.ColumnElement[bool]) -> int | None:
    if not r.has(table.name):
        return None
    return int(r.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one())


def read_totals(r: Reading, counts: dict[str, int]) -> Totals:
    unacknowledged = alerts.c.acknowledged == 0
    return Totals(
        cards=sum(counts.values()),
        active_loops=_count(r, loops, loops.c.status == "running"),
        unresolved_errors=None,  # seed 003 records no errors of its own
        pending_decisions=_count(r, decisions, decisions.c.status == "pending"),
        unacknowledged_alerts=_count(r, alerts, unacknowledged),
        critical_alerts=_count(r, alerts, unacknowledged, alerts.c.severity == "critical"),
    )


def own_counts(r: Reading, deadlocks: int) -> dict[str, int]:
    """What this kind has that the header's totals do not name."""
    found: dict[str, int | None] = {
        "deadlocks": deadlocks if r.has("wait_graph") else None,
        "unacknowledged_events": _count(r, events, events.c.acknowledged == 0),
        "pending_change_requests": _count(
            r, change_requests, change_requests.c.status == "pending"
        ),
        "failed_tests": _count(r, tests, tests.c.status == "failed"),
        "blocked_tests": _count(r, tests, tests.c.status == "blocked"),
    }
    return {name: n for name, n in found.items() if n is not None}


PENDING_STATEMENT: sa.Select[Any] = (
    sa.select(decisions.c.id, cut_text(decisions.c.summary, TITLE_CHARS).label("text"))
    .where(decisions.c.status == "pending")
    .order_by(
        descending(decisions.c.requested_at),
        descending(decisions.c.id),
    )
    .limit(URGENT_LIMIT)
)
CRITICAL_STATEMENT: sa.Select[Any] = (
    sa.select(alerts.c.id, cut_text(alerts.c.message, TITLE_CHARS).label("text"))
    .where(alerts.c.acknowledged == 0, alerts.c.severity == "critical")
    .order_by(descending(alerts.c.created_at), descending(alerts.c.id))
    .limit(URGENT_LIMIT)
)


def read_urgent(r: Reading) -> tuple[Urgent, ...]:
    found: list[Urgent] = []
    if r.has("decisions"):
        found += (
            Urgent(kind="decision", id=row.id, text=row.text or "")
            for row in r.execute(PENDING_STATEMENT)
        )
    if r.has("alerts"):
        found += (
            Urgent(kind="alert", id=row.id, text=row.text or "")
            for row in r.execute(CRITICAL_STATEMENT)
        )
    return tuple(found)

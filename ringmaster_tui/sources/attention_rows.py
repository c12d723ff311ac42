"""Rows of seed 003's `decisions` and `alerts` tables as the views that draw them: the
coordination database has these tables, and Ringmaster's schema carries them too."""

from __future__ import annotations

from typing import Any

from ringmaster_tui.domain.rules import deadline_of
from ringmaster_tui.domain.snapshot import AlertView, DecisionView
from ringmaster_tui.domain.values import to_moment


def decision_view(
    r: Any, *, card_id: str | None = None, card_title: str | None = None
) -> DecisionView:
    """A decisions row (every column of the table); the card it is about, where known."""
    return DecisionView(
        id=r.id,
        decision_type=r.decision_type,
        summary=r.summary or "",
        options_json=r.options,
        default_option=r.default_option,
        timeout_minutes=r.timeout_minutes,
        status=r.status or "",
        requested_at=r.requested_at,
        requested_by=r.requested_by,
        deadline=deadline_of(to_moment(r.requested_at), r.timeout_minutes),
        decided_at=r.decided_at,
        decided_by=r.decided_by,
        choice=r.choice,
        card_id=card_id,
        card_title=card_title,
    )


def alert_view(r: Any, *, card_id: str | None = None, card_title: str | None = None) -> AlertView:
    """An alerts row; the card it is about, where known."""
    return AlertView(
        id=r.id,
        severity=r.severity,
        alert_type=r.alert_type,
        source=r.source,
        message=r.message or "",
        acknowledged=bool(r.acknowledged),
        acknowledged_by=r.acknowledged_by,
        created_at=r.created_at,
        card_id=card_id,
        card_title=card_title,
    )

"""What counts as an event to notify, read from a snapshot's decisions and alerts, and
the JSON object the notify command receives for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from ringmaster_tui.domain.capabilities import Capabilities
from ringmaster_tui.domain.snapshot import AlertView, BoardQuery, DecisionView, Snapshot
from ringmaster_tui.notify.choices import DEFAULT_SEVERITY, SEVERITIES
from ringmaster_tui.ui.safe_text import make_visible

# The views whose items are notified; a source offers either, both or neither.
NOTIFIED_VIEWS: frozenset[str] = frozenset({"decisions", "alerts"})
# How many pending decisions and alerts one read looks at (the oldest pending decisions,
# the most severe alerts first): what a person could act on, not a whole history.
READ_LIMIT = 200
PAYLOAD_VERSION = 1

Kind = Literal["decision", "alert"]


def severity_rank(severity: str | None) -> int:
    """0 for critical, growing as it gets milder; unknown severities rank as info."""
    if severity in SEVERITIES:
        return SEVERITIES.index(severity)
    return SEVERITIES.index("info")


def notified_views(capabilities: Capabilities) -> frozenset[str]:
    """Which of decisions and alerts this source offers (and so can be notified)."""
    return frozenset(v.view_id for v in capabilities.views) & NOTIFIED_VIEWS


def watch_query(capabilities: Capabilities) -> BoardQuery | None:
    """The read that finds what to notify; None when the source has neither list."""
    lists = notified_views(capabilities)
    if not lists:
        return None
    # One card a lane: the lanes are read with every snapshot, and are not wanted here.
    return BoardQuery(lists=lists, per_lane=1, list_limit=READ_LIMIT)


@dataclass(frozen=True)
class Event:
    """A pending decision or an alert worth telling someone about."""

    kind: Kind
    id: str
    text: str
    """The decision's summary or the alert's message, as stored."""
    payload: dict[str, Any] = field(compare=False, hash=False)
    """The JSON object the notify command reads on its standard input."""

    @property
    def key(self) -> str:
        """How the memory of what was notified names it, within one database."""
        return f"{self.kind}:{self.id}"

    def title(self) -> str:
        if self.kind == "decision":
            return "Decision needed"
        severity = self.payload.get("severity")
        return f"{severity.capitalize()} alert" if isinstance(severity, str) else "Alert"

    def line(self) -> str:
        """One line of plain text, every control character visible (what `watch` prints)."""
        p = self.payload
        if self.kind == "decision":
            parts = [f"decision {self.id}: {self.text}"]
            options = p.get("options")
            if isinstance(options, list) and options:
                parts.append("options: " + " | ".join(options))
            elif p.get("options_raw"):
                parts.append(f"options (unparsed): {p['options_raw']}")
            if p.get("default") is not None:
                parts.append(f"default: {p['default']}")
            if p.get("time_left_seconds") is not None:
                parts.append(f"time left: {_duration(p['time_left_seconds'])}")
        else:
            parts = [f"alert {p.get('severity') or 'unknown'} {self.id}: {self.text}"]
        if p.get("card_id"):
            parts.append(f"card: {p['card_id']}")
        return make_visible(" · ".join(parts))


def _duration(seconds: int) -> str:
    if seconds <= 0:
        return "none, past its deadline"
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def decision_event(
    decision: DecisionView, now: datetime, *, source_kind: str, database: str
) -> Event:
    deadline = decision.deadline
    time_left = None if deadline is None else max(0, int((deadline - now).total_seconds()))
    options = decision.options
    payload: dict[str, Any] = {
        "version": PAYLOAD_VERSION,
        "kind": "decision",
        "id": decision.id,
        "summary": decision.summary,
        "decision_type": decision.decision_type,
        "options": list(options) if options is not None else None,
        "options_raw": decision.options_raw,
        "default": decision.default_option,
        "requested_at": _iso(decision.requested_at),
        "requested_by": decision.requested_by,
        "deadline": _iso(deadline),
        "time_left_seconds": time_left,
        "card_id": decision.card_id,
        "card_title": decision.card_title,
        "source": source_kind,
        "database": database,
        "notified_at": now.isoformat(),
    }
    return Event("decision", decision.id, decision.summary, payload)


def alert_event(alert: AlertView, now: datetime, *, source_kind: str, database: str) -> Event:
    payload: dict[str, Any] = {
        "version": PAYLOAD_VERSION,
        "kind": "alert",
        "id": alert.id,
        "message": alert.message,
        "severity": alert.severity,
        "alert_type": alert.alert_type,
        "raised_by": alert.source,
        "created_at": _iso(alert.created_at),
        "card_id": alert.card_id,
        "card_title": alert.card_title,
        "source": source_kind,
        "database": database,
        "notified_at": now.isoformat(),
    }
    return Event("alert", alert.id, alert.message, payload)


def events_in(
    snapshot: Snapshot,
    now: datetime,
    *,
    severity: str = DEFAULT_SEVERITY,
    source_kind: str,
    database: str,
) -> list[Event]:
    """The pending decisions and the unacknowledged alerts at or above `severity`."""
    threshold = severity_rank(severity)
    found = [
        decision_event(d, now, source_kind=source_kind, database=database)
        for d in snapshot.decisions
        if d.status == "pending"
    ]
    found += (
        alert_event(a, now, source_kind=source_kind, database=database)
        for a in snapshot.alerts
        if not a.acknowledged and severity_rank(a.severity) <= threshold
    )
    return found

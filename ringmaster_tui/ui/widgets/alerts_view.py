"""Alerts: the unacknowledged ones, critical first, then the newest; acknowledge one or all
that are shown. Acknowledged alerts are shown too when asked for (`t`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from ringmaster_tui.domain.snapshot import AlertView, Snapshot
from ringmaster_tui.domain.timefmt import age
from ringmaster_tui.ui.formatting import MISSING
from ringmaster_tui.ui.messages import AcknowledgeAlerts
from ringmaster_tui.ui.widgets.row_list import Cells, Column, RowListView, plural

SEVERITY_STYLES: dict[str, str] = {
    "critical": "critical",
    "error": "error",
    "warning": "warning",
    "info": "info",
}

COLUMNS: tuple[Column, ...] = (
    Column("severity", "severity", 8),
    Column("age", "age", 5),
    Column("type", "type", 12, drop=2),
    Column("source", "source", 10, drop=3),
    Column("card", "card", 16, drop=1),
    Column("message", "message", 20, flex=True),
)
ACKNOWLEDGED_COLUMN = Column("acknowledged", "acknowledged", 12, drop=4)


class AlertsView(RowListView[AlertView]):
    HELP_GROUP: ClassVar[str] = "Alerts"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "acknowledge", "Acknowledge", id="alerts.acknowledge"),
        Binding("X", "acknowledge_all", "Acknowledge all shown", id="alerts.acknowledge_all"),
        Binding("t", "toggle_acknowledged", "Show acknowledged", id="alerts.toggle"),
    ]
    FILTER_FIELD: ClassVar[str] = "alert_text"
    FILTER_HINT: ClassVar[str] = (
        "filter alerts by message, type or source (enter keeps, esc clears)"
    )
    TABLE: ClassVar[str | None] = "alerts"

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.show_acknowledged = False

    def items_of(self, snapshot: Snapshot) -> tuple[AlertView, ...]:
        return snapshot.alerts

    def key_of(self, item: AlertView) -> str:
        return item.id

    def columns(self, snapshot: Snapshot) -> Sequence[Column]:
        if snapshot.query.show_acknowledged:
            return (*COLUMNS, ACKNOWLEDGED_COLUMN)
        return COLUMNS

    def header(self, snapshot: Snapshot) -> Text:
        open_alerts = [a for a in self.items if not a.acknowledged]
        unacknowledged = self.counted(snapshot, "unacknowledged", len(open_alerts))
        critical = self.counted(
            snapshot, "critical", sum(1 for a in open_alerts if a.severity == "critical")
        )
        text = Text(plural(unacknowledged, "unacknowledged alert"))
        if critical:
            text.append(" · ")
            text.append(f"{critical:,} critical", self.style("critical"))
        if snapshot.query.show_acknowledged:
            listed = len(self.items) - len(open_alerts)
            acknowledged = self.counted(snapshot, "acknowledged", listed)
            text.append(f" · {acknowledged:,} acknowledged shown (t hides)", self.style("dim"))
        else:
            text.append(" · acknowledged hidden (t shows)", self.style("dim"))
        self.append_loaded(text, snapshot)
        return text

    def empty_message(self, snapshot: Snapshot) -> str:
        return "No alert needs attention."

    def cells(self, item: AlertView, now: datetime) -> Cells:
        severity = item.severity or ""
        dim = item.acknowledged
        return {
            "severity": self.styled(
                severity or MISSING, "dim" if dim else SEVERITY_STYLES.get(severity, "")
            ),
            "age": Text(age(item.created_at, now), style=self.style("dim")),
            "type": self.styled(item.alert_type or MISSING, "dim" if dim else "strong"),
            "source": self.styled(item.source or MISSING),
            "card": self.styled(item.card_title or MISSING),
            "message": self.styled(item.message, "dim" if dim else ""),
            "acknowledged": self.styled(
                f"✓ {item.acknowledged_by or '?'}" if item.acknowledged else "", "good"
            ),
        }

    def shown_unacknowledged(self) -> tuple[str, ...]:
        """The ids of the alerts shown (after the filter) that are not acknowledged yet."""
        return tuple(alert.id for alert in self.items if not alert.acknowledged)

    def action_acknowledge(self) -> None:
        alert = self.need_selection()
        if alert is None:
            return
        if alert.acknowledged:
            self.notify("That alert is acknowledged already.")
            return
        self.post_message(AcknowledgeAlerts((alert.id,)))

    def action_acknowledge_all(self) -> None:
        # The ids are taken now, from the rows on screen: rows a later refresh brings in
        # while the question is asked are not part of what the user says yes to.
        ids = self.shown_unacknowledged()
        if not ids:
            self.notify("No alert shown needs acknowledging.")
            return
        unacknowledged = (
            self.counted(self.snapshot, "unacknowledged", len(ids)) if self.snapshot else len(ids)
        )
        self.post_message(AcknowledgeAlerts(ids, bulk=True, more=max(unacknowledged - len(ids), 0)))

    def action_toggle_acknowledged(self) -> None:
        self.show_acknowledged = not self.show_acknowledged
        self.ask(show_acknowledged=self.show_acknowledged)

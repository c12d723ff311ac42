"""Decisions: what waits for a human, the least time left first; enter opens the dialog.

Decided, auto-resolved and expired decisions are shown too when asked for (`t`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from ringmaster_tui.domain.snapshot import DecisionView, Snapshot
from ringmaster_tui.ui.formatting import MISSING, time_left
from ringmaster_tui.ui.messages import OpenDecision
from ringmaster_tui.ui.widgets.row_list import Cells, Column, RowListView, plural

# The time left is redrawn this often while the list is on screen.
TICK_SECONDS = 5.0
# Less time left than this is shown as urgent.
URGENT_SECONDS = 5 * 60
PENDING = "pending"

COLUMNS: tuple[Column, ...] = (
    Column("left", "time left", 11),
    Column("summary", "summary", 20, flex=True),
    Column("type", "type", 12, drop=2),
    Column("requester", "requested by", 12, drop=3),
    Column("card", "card", 16, drop=1),
    Column("default", "default", 10, drop=4),
)
STATUS_COLUMN = Column("status", "status", 16, drop=5)


class DecisionsView(RowListView[DecisionView]):
    HELP_GROUP: ClassVar[str] = "Decisions"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "toggle_settled", "Show settled", id="decisions.toggle"),
    ]
    FILTER_FIELD: ClassVar[str] = "decision_text"
    FILTER_HINT: ClassVar[str] = (
        "filter decisions by summary, type or requester (enter keeps, esc clears)"
    )
    TABLE: ClassVar[str | None] = "decisions"

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.show_settled = False
        """Whether decided, auto-resolved and expired decisions were asked for."""

    def on_mount(self) -> None:
        self.set_interval(TICK_SECONDS, self._tick)

    def _tick(self) -> None:
        if self.display:
            self.render_rows()

    def items_of(self, snapshot: Snapshot) -> tuple[DecisionView, ...]:
        return snapshot.decisions

    def key_of(self, item: DecisionView) -> str:
        return item.id

    def columns(self, snapshot: Snapshot) -> Sequence[Column]:
        return (*COLUMNS, STATUS_COLUMN) if snapshot.query.show_decided else COLUMNS

    def header(self, snapshot: Snapshot) -> Text:
        listed_pending = sum(1 for d in self.items if d.status == PENDING)
        pending = self.counted(snapshot, "pending", listed_pending)
        text = Text(plural(pending, "pending decision"))
        if snapshot.query.show_decided:
            settled = self.counted(snapshot, "settled", len(self.items) - listed_pending)
            text.append(f" · {settled:,} settled shown (t hides)", self.style("dim"))
        else:
            text.append(" · settled hidden (t shows)", self.style("dim"))
        self.append_loaded(text, snapshot)
        return text

    def empty_message(self, snapshot: Snapshot) -> str:
        return "No decision is waiting for you."

    def cells(self, item: DecisionView, now: datetime) -> Cells:
        return {
            "left": self._left(item, now),
            "summary": self.styled(item.summary, "strong" if item.status == PENDING else ""),
            "type": self.styled(item.decision_type or MISSING),
            "requester": self.styled(item.requested_by or MISSING),
            "card": self.styled(item.card_title or MISSING),
            "default": self.styled(item.default_option or MISSING, "dim"),
            "status": self._status(item),
        }

    def _left(self, item: DecisionView, now: datetime) -> Text:
        if item.status != PENDING:
            return Text(MISSING, style=self.style("dim"))
        text = time_left(item.deadline, now)
        if item.deadline is None:
            return Text(text, style=self.style("dim"))
        seconds = (item.deadline - now).total_seconds()
        style = "critical" if seconds <= 0 else "warning" if seconds < URGENT_SECONDS else ""
        return Text(text, style=self.style(style) if style else "")

    def _status(self, item: DecisionView) -> Text:
        if item.status == PENDING:
            return Text(PENDING, style=self.style("warning"))
        text = self.styled(item.status, "dim")
        if item.choice:
            text.append(" → ")
            text.append_text(self.styled(item.choice))
        return text

    def open_item(self, item: DecisionView) -> None:
        self.post_message(OpenDecision(item))

    def action_toggle_settled(self) -> None:
        self.show_settled = not self.show_settled
        self.ask(show_decided=self.show_settled)

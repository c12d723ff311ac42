"""Loops: every card whose agent loop runs (coding, error_fixing), how far and how costly.

A loop whose latest attempt has run far longer than its others is marked stalled.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from rich.text import Text

from ringmaster_tui.domain.snapshot import LoopView, Snapshot
from ringmaster_tui.domain.timefmt import age
from ringmaster_tui.domain.workflow import Workflow
from ringmaster_tui.ui.formatting import MISSING, milliseconds, money, money_spent, sparkline
from ringmaster_tui.ui.messages import OpenCard
from ringmaster_tui.ui.widgets.row_list import Cells, Column, RowListView, plural

STALLED_MARK = "⚠ STALLED"
LOOP_MARK = "↻"
# The sparkline shows this many of the latest attempts (its column's width).
SPARK_WIDTH = 12

COLUMNS: tuple[Column, ...] = (
    Column("state", "state", 6, drop=2),
    Column("title", "card", 16, flex=True),
    Column("project", "project", 10, drop=3),
    Column("iteration", "iter", 4),
    Column("errors", "err/max", 7),
    Column("cost", "cost", 8),
    Column("time", "time", 6, drop=5),
    Column("latest", "latest attempt", 15),
    Column("checkpoint", "ckpt", 4, drop=4),
    Column("spark", "per attempt", SPARK_WIDTH, drop=1),
)


class LoopsView(RowListView[LoopView]):
    HELP_GROUP: ClassVar[str] = "Loops"
    FILTER_FIELD: ClassVar[str] = "loop_text"
    FILTER_HINT: ClassVar[str] = "filter loops by card title (enter keeps, esc clears)"

    def __init__(self, workflow: Workflow, *, id: str) -> None:
        super().__init__(id=id)
        self.workflow = workflow

    def items_of(self, snapshot: Snapshot) -> tuple[LoopView, ...]:
        return snapshot.loops

    def key_of(self, item: LoopView) -> str:
        return item.card_id

    def columns(self, snapshot: Snapshot) -> Sequence[Column]:
        return COLUMNS

    def header(self, snapshot: Snapshot) -> Text:
        loops = self.items
        stalled = sum(1 for loop in loops if loop.stalled)
        text = Text(f"{plural(self.matching(snapshot), 'loop')} running")
        # What follows is of the loops read: stalls and costs come from their attempts.
        self.append_loaded(text, snapshot)
        if stalled:
            text.append(" · ")
            text.append(f"{stalled} stalled", self.style("critical"))
        spent = money_spent([loop.total_cost_usd for loop in loops])
        text.append(f" · {spent}", self.style("dim"))
        return text

    def empty_message(self, snapshot: Snapshot) -> str:
        return "No loop is running: no card is coding or fixing errors."

    def cells(self, item: LoopView, now: datetime) -> Cells:
        title = Text(no_wrap=True, overflow="ellipsis", end="")
        if item.stalled:
            title.append(f"{STALLED_MARK} ", self.style("critical"))
        title.append_text(self.styled(item.title, "strong"))
        return {
            "state": self.styled(self.workflow.short_name(item.state), "dim"),
            "title": title,
            "project": self.styled(item.project_name),
            "iteration": Text(
                f"{LOOP_MARK}{item.loop_iteration}" if item.loop_iteration is not None else MISSING
            ),
            "errors": self._errors(item),
            "cost": Text(money(item.total_cost_usd)),
            "time": Text(milliseconds(item.total_time_spent_ms)),
            "latest": self._latest(item, now),
            "checkpoint": Text(
                f"#{item.latest_snapshot_iteration}"
                if item.latest_snapshot_iteration is not None
                else MISSING
            ),
            "spark": Text(_spark(item), style=self.style("info")),
        }

    def _errors(self, item: LoopView) -> Text:
        used, allowed = item.error_count or 0, item.max_retries
        label = f"{used}/{allowed if allowed is not None else MISSING}"
        if allowed is not None and used >= allowed:
            return Text(label, style=self.style("critical"))
        if used:
            return Text(label, style=self.style("warning"))
        return Text(label, style=self.style("dim"))

    def _latest(self, item: LoopView, now: datetime) -> Text:
        if item.latest_attempt_status is None:
            return Text("no attempt", style=self.style("dim"))
        status = item.latest_attempt_status
        style = {"running": "good", "failed": "error", "cancelled": "dim"}.get(status, "")
        text = self.styled(status, style)
        text.append(f" {age(item.latest_attempt_started_at, now)}", self.style("dim"))
        return text

    def open_item(self, item: LoopView) -> None:
        self.post_message(OpenCard(item.card()))


def _spark(item: LoopView) -> str:
    """Cost per attempt; tokens when no attempt recorded a cost."""
    costs = item.attempt_costs[-SPARK_WIDTH:]
    if any(cost > 0 for cost in costs):
        return sparkline(costs)
    return sparkline([float(tokens) for tokens in item.attempt_tokens[-SPARK_WIDTH:]])

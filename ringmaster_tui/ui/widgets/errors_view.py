"""Errors: the unresolved errors of every card, newest first; resolve, filter, look inside."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from ringmaster_tui.domain.snapshot import ErrorView, Snapshot
from ringmaster_tui.domain.timefmt import age
from ringmaster_tui.ui.formatting import MISSING
from ringmaster_tui.ui.messages import OpenErrorDetail, ResolveError
from ringmaster_tui.ui.widgets.row_list import Cells, Column, RowListView, plural

# The categories schema.sql allows, in the order `c` steps through them (None: all).
CATEGORIES: tuple[str | None, ...] = (None, "build", "test", "deploy", "runtime", "other")
SEVERITY_STYLES: dict[str, str] = {"error": "error", "warning": "warning", "info": "info"}

COLUMNS: tuple[Column, ...] = (
    Column("age", "age", 5),
    Column("severity", "severity", 8, drop=4),
    Column("category", "category", 8),
    Column("card", "card", 18, drop=2),
    Column("attempt", "att", 4, drop=3),
    Column("type", "type", 14, drop=1),
    Column("message", "message", 20, flex=True),
)


def next_category(current: str | None) -> str | None:
    """The category after `current` in CATEGORIES (one the list does not know: all)."""
    if current not in CATEGORIES:
        return None
    return CATEGORIES[(CATEGORIES.index(current) + 1) % len(CATEGORIES)]


class ErrorsView(RowListView[ErrorView]):
    HELP_GROUP: ClassVar[str] = "Errors"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "resolve", "Resolve", id="errors.resolve"),
        Binding("c", "category", "Category", id="errors.category"),
    ]
    FILTER_FIELD: ClassVar[str] = "error_text"
    FILTER_HINT: ClassVar[str] = "filter errors by message, type or card (enter keeps, esc clears)"
    TABLE: ClassVar[str | None] = "errors"

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.category: str | None = None
        """The category asked for (the query shown may lag behind a quick `c c`)."""

    def items_of(self, snapshot: Snapshot) -> tuple[ErrorView, ...]:
        return snapshot.errors

    def key_of(self, item: ErrorView) -> str:
        return item.id

    def columns(self, snapshot: Snapshot) -> Sequence[Column]:
        return COLUMNS

    def header(self, snapshot: Snapshot) -> Text:
        text = Text(plural(self.matching(snapshot), "unresolved error"))
        self.append_loaded(text, snapshot)
        text.append(" · category ", self.style("dim"))
        category = snapshot.query.error_category
        text.append(category or "all", self.style("strong") if category else "")
        text.append(" (c changes)", self.style("dim"))
        return text

    def empty_message(self, snapshot: Snapshot) -> str:
        category = snapshot.query.error_category
        if category:
            return f"No unresolved {category} error. c shows another category."
        return "No unresolved errors."

    def cells(self, item: ErrorView, now: datetime) -> Cells:
        severity = item.severity or ""
        return {
            "age": Text(age(item.created_at, now), style=self.style("dim")),
            "severity": self.styled(severity or MISSING, SEVERITY_STYLES.get(severity, "")),
            "category": self.styled(item.category or MISSING),
            "card": self.styled(item.card_title or item.card_id),
            "attempt": Text(f"#{item.attempt_number}" if item.attempt_number else MISSING),
            "type": self.styled(item.error_type, "strong"),
            "message": self.styled(item.message),
        }

    def open_item(self, item: ErrorView) -> None:
        self.post_message(OpenErrorDetail(item))

    def action_resolve(self) -> None:
        error = self.need_selection()
        if error is not None:
            self.post_message(ResolveError(error))

    def action_category(self) -> None:
        self.category = next_category(self.category)
        self.ask(error_category=self.category)

"""A source's own table view (workers, events, problems, patterns ...), drawn from what the
source declares: the columns and rows of Snapshot.tables[view_id], and the row keys and
toggles of its ViewOffer. One widget for every such view of every source."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding

from ringmaster_tui.domain.capabilities import ViewOffer
from ringmaster_tui.domain.snapshot import CardSummary, Snapshot
from ringmaster_tui.domain.views import Column, FactKind, RowAction, TableData, TableRow
from ringmaster_tui.domain.workflow import Tone
from ringmaster_tui.ui.formatting import fact_text
from ringmaster_tui.ui.messages import OpenCard, RowActionRequested
from ringmaster_tui.ui.widgets.row_list import Cells, RowListView

# The row list's component styles for each tone.
_TONE_STYLES: dict[Tone, str] = {
    Tone.PLAIN: "",
    Tone.WAITING: "warning",
    Tone.ACTIVE: "info",
    Tone.GOOD: "good",
    Tone.BAD: "critical",
    Tone.MUTED: "dim",
    Tone.UNKNOWN: "warning",
}


class TableListView(RowListView[TableRow]):
    HELP_GROUP: ClassVar[str] = "Table"
    FILTER_FIELD: ClassVar[str] = "view_text"

    def __init__(self, offer: ViewOffer) -> None:
        super().__init__(id=offer.view_id)
        self.offer = offer
        self.help_group = offer.title
        """The help's heading for this view's keys (read before HELP_GROUP)."""
        self._filter.placeholder = offer.filter_hint
        # This view's keys are the source's: bound per widget (the class has none).
        for action in offer.actions:
            self._bind(action.key, f"row_action('{action.action}')", action.label, action.action)
        for toggle in offer.toggles:
            self._bind(toggle.key, f"toggle_rows('{toggle.flag}')", toggle.label, toggle.flag)

    def _bind(self, key: str, action: str, label: str, name: str) -> None:
        binding = Binding(key, action, label, id=f"{self.offer.view_id}.{name}")
        self._bindings.key_to_bindings.setdefault(key, []).append(binding)

    def data(self, snapshot: Snapshot) -> TableData | None:
        return snapshot.tables.get(self.offer.view_id)

    # --- what the view says about its rows ---

    def items_of(self, snapshot: Snapshot) -> tuple[TableRow, ...]:
        data = self.data(snapshot)
        return data.rows if data else ()

    def key_of(self, item: TableRow) -> str:
        return item.id

    def columns(self, snapshot: Snapshot) -> Sequence[Column]:
        data = self.data(snapshot)
        return data.columns if data else ()

    def header(self, snapshot: Snapshot) -> Text:
        data = self.data(snapshot)
        if data is None:
            return Text("")
        text = Text(f"{data.total:,} {data.summary}".rstrip())
        if len(data.rows) < data.total:
            text.append(f" · {len(data.rows):,} loaded", self.style("dim"))
        for toggle in self.offer.toggles:
            on = self._flag(toggle.flag) in snapshot.query.view_flags
            state = "shown" if on else "hidden"
            text.append(f" · {toggle.label.lower()} {state} ({toggle.key})", self.style("dim"))
        return text

    def empty_message(self, snapshot: Snapshot) -> str:
        data = self.data(snapshot)
        if data is None:
            return f"Reading the {self.offer.title.lower()}…"
        return data.missing or data.empty

    def cells(self, item: TableRow, now: datetime) -> Cells:
        row_style = _TONE_STYLES[item.tone]
        cells: dict[str, Text] = {}
        for key, fact in item.cells.items():
            name = _TONE_STYLES[fact.tone] or row_style
            if fact.kind is FactKind.TEXT:
                cells[key] = self.styled(fact_text(fact), name)
            else:  # numbers: right-aligned
                style = self.style(name) if name else ""  # a plain row: no component style
                cells[key] = Text(fact_text(fact), style=style, justify="right")
        return cells

    def open_item(self, item: TableRow) -> None:
        if item.card_id is None:
            self.notify("This row has no card to open.")
            return
        title = next((f.text for f in item.cells.values() if f.text), item.card_id)
        self.post_message(
            OpenCard(
                CardSummary(
                    id=item.card_id,
                    project_id="",
                    title=title,
                    state=item.seen or "",
                    updated_at=None,
                )
            )
        )

    # --- the filter and the toggles ---

    def filter_text(self, snapshot: Snapshot) -> str:
        return snapshot.query.text_of(self.offer.view_id)

    def filter_query(self, text: str) -> dict[str, object]:
        others = [(view, t) for view, t in self._query_texts() if view != self.offer.view_id]
        return {"view_text": tuple(others + ([(self.offer.view_id, text)] if text else []))}

    def _query_texts(self) -> tuple[tuple[str, str], ...]:
        return self.snapshot.query.view_text if self.snapshot else ()

    def _flag(self, flag: str) -> str:
        return f"{self.offer.view_id}.{flag}"

    def action_toggle_rows(self, flag: str) -> None:
        flags = self.snapshot.query.view_flags if self.snapshot else frozenset()
        self.ask(view_flags=flags ^ {self._flag(flag)})

    # --- the source's row actions ---

    def action_row_action(self, name: str) -> None:
        action = next((a for a in self.offer.actions if a.action == name), None)
        if action is None:
            return
        if action.bulk:
            rows = tuple(r for r in self.items if _applies(action, r))
            if not rows:
                self.notify(f"No row listed to {action.label.lower()}.")
                return
            data = self.data(self.snapshot) if self.snapshot else None
            more = (data.total - len(self.items)) if data else 0
            self.post_message(RowActionRequested(self.offer.view_id, action, rows, more))
            return
        row = self.need_selection()
        if row is None:
            return
        if not _applies(action, row):
            self.notify(
                f"{action.label} applies to {', '.join(action.applies_to)} rows; "
                f"this one is {row.seen or 'unknown'}.",
                severity="warning",
                markup=False,
            )
            return
        self.post_message(RowActionRequested(self.offer.view_id, action, (row,), 0))


def _applies(action: RowAction, row: TableRow) -> bool:
    return not action.applies_to or row.seen in action.applies_to

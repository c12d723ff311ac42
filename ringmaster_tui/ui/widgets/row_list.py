"""The base of the list views (loops, errors, decisions, alerts): a header line, a table of
rows keyed by id, a `/` filter and a message when there is nothing to show.

A view says which columns it has and what each row shows; this base fits the columns to
the width (the flexible one takes what is left, optional ones go on narrow terminals),
updates the table in place and keeps the selection on the same row id across reloads.
It never touches the database: keys become messages the app acts on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import ClassVar, Generic, TypeVar

from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Input, Label

from ringmaster_tui.domain.snapshot import ListCount, Snapshot
from ringmaster_tui.domain.views import Column as Column  # the views import it from here
from ringmaster_tui.ui.clock import now_of
from ringmaster_tui.ui.formatting import quoted_filter
from ringmaster_tui.ui.messages import ListDeeper, ListRowsFit, QueryChanged
from ringmaster_tui.ui.safe_text import safe_text
from ringmaster_tui.ui.widgets.dashboard_view import DashboardView
from ringmaster_tui.ui.widgets.filter_input import FilterInput
from ringmaster_tui.ui.widgets.read_ahead import ListFits, ListNearEnd, ReadsAhead

ItemT = TypeVar("ItemT")

# Each cell has this much padding on either side (DataTable's cell_padding).
CELL_PADDING = 1
# Kept free on the right for the vertical scrollbar.
SCROLLBAR_WIDTH = 1


def plural(number: int, word: str) -> str:
    """'1 alert', '5,005 alerts'."""
    return f"{number:,} {word}{'' if number == 1 else 's'}"


def fit_columns(columns: Sequence[Column], width: int) -> tuple[tuple[Column, int], ...]:
    """The columns shown in `width` cells, each with its width."""
    shown = list(columns)

    def spare() -> int:
        fixed = sum(c.width for c in shown if not c.flex)
        return width - fixed - 2 * CELL_PADDING * len(shown)

    flexible = next((c for c in shown if c.flex), None)
    while flexible is not None and spare() < flexible.width:
        droppable = [c for c in shown if c.drop]
        if not droppable:
            break
        shown.remove(max(droppable, key=lambda c: c.drop))
    left = spare()
    return tuple((c, max(left, c.width) if c.flex else c.width) for c in shown)


Cells = Mapping[str, Text]
"""One row: a Text per column key (made with safe_text when it comes from the database)."""


class RowTable(ReadsAhead, DataTable[Text]):
    """The rows of a list view; enter opens the selected one."""

    HELP_GROUP: ClassVar[str] = "List"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open", id="list.open"),
        Binding("j", "cursor_down", "Down", show=False, id="move.down"),
        Binding("k", "cursor_up", "Up", show=False, id="move.up"),
    ]


class RowListView(DashboardView, Generic[ItemT]):
    """A list of one kind of item from the snapshot, one row each."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="list.filter"),
        Binding("escape", "clear_filter", "Clear filter", id="list.clear_filter"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "rows--critical",
        "rows--error",
        "rows--warning",
        "rows--info",
        "rows--dim",
        "rows--strong",
        "rows--good",
    }
    FILTER_FIELD: ClassVar[str]
    """The BoardQuery field `/` sets."""
    FILTER_HINT: ClassVar[str] = "filter (enter keeps, esc clears)"
    TABLE: ClassVar[str | None] = None
    """The database table the rows come from, to say so when the database lacks it."""

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, classes="row-list")
        self.items: tuple[ItemT, ...] = ()
        self.snapshot: Snapshot | None = None
        self.table = RowTable(id=f"{id}-table", cursor_type="row", cell_padding=CELL_PADDING)
        self._header = Label("", classes="list-header")
        # Shown until the first read of this view's list arrives (a list is read only
        # once its view is shown).
        self._empty = Label(f"Reading the {id}…", classes="list-empty")
        self._filter = FilterInput(
            id=f"{id}-filter", classes="list-filter", placeholder=self.FILTER_HINT
        )
        self._layout: tuple[tuple[Column, int], ...] = ()
        self._rows: list[tuple[str, Cells]] = []
        self._shown_filter = ""
        self._fits = 0
        """How many rows the table shows at once: a page, when reading deeper."""

    def compose(self) -> ComposeResult:
        yield self._header
        yield self.table
        yield self._empty
        yield self._filter

    # --- what a view says about its items ---

    def items_of(self, snapshot: Snapshot) -> tuple[ItemT, ...]:
        raise NotImplementedError

    def key_of(self, item: ItemT) -> str:
        raise NotImplementedError

    def columns(self, snapshot: Snapshot) -> Sequence[Column]:
        raise NotImplementedError

    def cells(self, item: ItemT, now: datetime) -> Cells:
        raise NotImplementedError

    def header(self, snapshot: Snapshot) -> Text:
        raise NotImplementedError

    def empty_message(self, snapshot: Snapshot) -> str:
        raise NotImplementedError

    def open_item(self, item: ItemT) -> None:
        """Enter on a row."""

    # --- how many match, beside how many were read ---

    def list_count(self, snapshot: Snapshot) -> ListCount | None:
        """How many rows match this view's filters in all, when the source counted them."""
        return snapshot.list_counts.get(self.id or "")

    def counted(self, snapshot: Snapshot, part: str, listed: int) -> int:
        """The count named `part`, or `listed` (what was read) when it was not counted."""
        found = self.list_count(snapshot)
        return found.parts.get(part, listed) if found else listed

    def matching(self, snapshot: Snapshot) -> int:
        """How many rows match in all (at least those read)."""
        found = self.list_count(snapshot)
        return max(found.matching, len(self.items)) if found else len(self.items)

    def append_loaded(self, text: Text, snapshot: Snapshot) -> None:
        """' · 72 loaded' when fewer rows were read than match."""
        if len(self.items) < self.matching(snapshot):
            text.append(f" · {len(self.items):,} loaded", self.style("dim"))

    # --- helpers for the views ---

    def style(self, name: str) -> Style:
        """A component style that keeps the row's background (the cursor shows through)."""
        return self.get_component_rich_style(f"rows--{name}", partial=True)

    def styled(self, value: str | None, name: str = "") -> Text:
        """Database text, safe, on one line, in the component style `name`."""
        return safe_text(value, style=self.style(name) if name else "", one_line=True)

    @property
    def selected(self) -> ItemT | None:
        row = self.table.cursor_row
        if not self._rows or not 0 <= row < len(self.items):
            return None
        return self.items[row]

    def focus_view(self) -> None:
        self.render_rows()
        self.table.focus()

    # --- new data ---

    def show_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.items = self.items_of(snapshot)
        text = self.filter_text(snapshot)
        filter_changed, self._shown_filter = text != self._shown_filter, text
        header = self.header(snapshot)
        if text:
            header.append("  filter ", self.style("dim"))
            header.append_text(safe_text(quoted_filter(text)))
        self._header.update(header)
        self.render_rows(select_first=filter_changed and bool(text))

    def filter_text(self, snapshot: Snapshot) -> str:
        return str(getattr(snapshot.query, self.FILTER_FIELD))

    def filter_query(self, text: str) -> dict[str, object]:
        """The query change that filters this view by `text`."""
        return {self.FILTER_FIELD: text}

    def _width(self) -> int:
        return (self.size.width or self.app.size.width) - SCROLLBAR_WIDTH

    def render_rows(self, *, select_first: bool = False) -> None:
        """Show the items: cells updated in place when the same rows are shown, else the
        table rebuilt with the selection kept on the same id (or at the same height)."""
        snapshot = self.snapshot
        if snapshot is None:
            return
        layout = fit_columns(self.columns(snapshot), self._width())
        now = now_of(self)
        rows = [(self.key_of(item), self.cells(item, now)) for item in self.items]
        self._show_empty(snapshot)
        if layout == self._layout and rows == self._rows and not select_first:
            return
        same_rows = [key for key, _ in rows] == [key for key, _ in self._rows]
        if layout == self._layout and same_rows and not select_first:
            self._update_cells(rows)
            return
        height = self.table.cursor_row
        selected = self._rows[height][0] if 0 <= height < len(self._rows) else None
        table = self.table
        if layout != self._layout:
            table.clear(columns=True)
            for column, width in layout:
                table.add_column(Text(column.label), width=width, key=column.key)
            self._layout = layout
        else:
            table.clear()
        for key, cells in rows:
            table.add_row(*(cells.get(column.key, Text("")) for column, _ in layout), key=key)
        self._rows = rows
        if not rows:
            return
        keys = [key for key, _ in rows]
        if select_first:
            target = 0
        elif selected in keys:
            target = keys.index(selected)
        else:
            target = min(height, len(rows) - 1)
        table.move_cursor(row=target, animate=False)

    def _update_cells(self, rows: list[tuple[str, Cells]]) -> None:
        for (key, cells), (_, before) in zip(rows, self._rows, strict=True):
            for column, _ in self._layout:
                value = cells.get(column.key, Text(""))
                if value != before.get(column.key, Text("")):
                    self.table.update_cell(key, column.key, value)
        self._rows = rows

    def _show_empty(self, snapshot: Snapshot) -> None:
        empty = not self.items
        self._empty.display = empty
        if not empty:
            return
        if self.TABLE is not None and self.TABLE in snapshot.unavailable:
            message = f"This database has no {self.TABLE} table."
        elif self.filter_text(snapshot):
            message = (
                f"Nothing matches {quoted_filter(self.filter_text(snapshot))}. "
                "Escape clears the filter."
            )
        else:
            message = self.empty_message(snapshot)
        self._empty.update(safe_text(message, one_line=True))

    def on_resize(self, event: events.Resize) -> None:
        self.render_rows()

    # --- reading what is shown ---

    @on(ListFits)
    def _table_resized(self, message: ListFits) -> None:
        message.stop()
        rows = max(message.lines - 1, 1)  # under the column labels
        if rows != self._fits:
            self._fits = rows
            self.post_message(ListRowsFit(rows))

    @on(ListNearEnd)
    def _read_deeper(self, message: ListNearEnd) -> None:
        message.stop()
        snapshot = self.snapshot
        if snapshot is None:
            return
        found = self.list_count(snapshot)
        if found is not None and len(self.items) >= found.matching:
            return  # every row that matches is read
        if len(self.items) >= snapshot.query.list_limit:  # as many as asked for: more wait
            self.post_message(ListDeeper(len(self.items) + 2 * max(self._fits, 1)))

    # --- keys ---

    def ask(self, **changes: object) -> None:
        """Ask the app for a different query (a filter, a toggle)."""
        self.post_message(QueryChanged(**changes))

    def action_filter(self) -> None:
        self._filter.open()

    def action_clear_filter(self) -> None:
        self._filter.value = ""  # posts Input.Changed, which clears the app's query
        self._filter.close()
        self.table.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            return bool(self._filter.value) or self._filter.has_focus
        return True

    @on(Input.Changed, ".list-filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        event.stop()
        self.ask(**self.filter_query(event.value))

    @on(Input.Submitted, ".list-filter")
    def _filter_kept(self, event: Input.Submitted) -> None:
        event.stop()
        self._filter.close()
        self.table.focus()

    @on(DataTable.RowSelected)
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        item = self.selected
        if item is not None:
            self.open_item(item)

    def need_selection(self) -> ItemT | None:
        """The selected item, or None after telling the user there is none."""
        item = self.selected
        if item is None:
            self.notify("Nothing is selected.", severity="warning")
        return item

"""`?`: every key of the screen it was opened from, generated from that screen's bindings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from ringmaster_tui.ui.key_help import KeyRow


def keys_table(rows: Sequence[KeyRow]) -> Table:
    """One line per action: where it applies (named once per group), its keys, what it does.

    A plain table drawn once, rather than a DataTable, so that `?` opens at once even
    while the board refreshes many times a second.
    """
    table = Table("where", "keys", "does", box=None, expand=True, pad_edge=False)
    previous_group = ""
    for row in rows:
        group = row.group if row.group != previous_group else ""
        previous_group = row.group
        table.add_row(Text(group), Text(row.keys, style="bold"), Text(row.description))
    return table


class HelpScreen(ModalScreen[None]):
    HELP_GROUP: ClassVar[str] = "Help"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, title: str, rows: Sequence[KeyRow]) -> None:
        super().__init__(id="help")
        self._title = title
        self.rows = tuple(rows)
        """The keys listed, in order."""

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Label(Text(f"Keys: {self._title}"), classes="dialog-title")
            with VerticalScroll(id="help-keys"):
                yield Static(keys_table(self.rows))
            yield Label(
                Text("escape closes · ctrl+p runs any action by name"), classes="dialog-hint"
            )

    def on_mount(self) -> None:
        self.query_one("#help-keys").focus()

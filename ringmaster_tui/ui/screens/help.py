"""`?`: every key of the screen it was opened from, generated from that screen's bindings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from ringmaster_tui.ui.key_help import KeyRow


class HelpScreen(ModalScreen[None]):
    HELP_GROUP: ClassVar[str] = "Help"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, title: str, rows: Sequence[KeyRow]) -> None:
        super().__init__(id="help")
        self._title = title
        self._rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Label(Text(f"Keys: {self._title}"), classes="dialog-title")
            table: DataTable[Text] = DataTable(
                cursor_type="none", zebra_stripes=True, id="help-keys"
            )
            table.add_columns(Text("where"), Text("keys"), Text("does"))
            previous_group = ""
            for row in self._rows:
                # The group is named once, on its first row.
                group = row.group if row.group != previous_group else ""
                previous_group = row.group
                table.add_row(Text(group), Text(row.keys, style="bold"), Text(row.description))
            yield table
            yield Label(
                Text("escape closes · ctrl+p runs any action by name"), classes="dialog-hint"
            )

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

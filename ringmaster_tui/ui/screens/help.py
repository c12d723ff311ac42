"""`?`: every key of the screen it was opened from, generated from that screen's bindings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from ringmaster_tui.ui.key_help import KeyRow


def keys_table(rows: Sequence[KeyRow]) -> Text:
    """One line per action: where it applies (named once per group), its keys, what it does.

    Plain text in three padded columns, drawn once: a table widget measures and draws
    itself many times over, and `?` must open at once even while the board refreshes.
    """
    shown: list[tuple[str, str, str]] = []
    previous_group = ""
    for row in rows:
        shown.append((row.group if row.group != previous_group else "", row.keys, row.description))
        previous_group = row.group
    where_width = max([cell_len("where"), *(cell_len(where) for where, _, _ in shown)]) + 2
    keys_width = max([cell_len("keys"), *(cell_len(keys) for _, keys, _ in shown)]) + 2
    table = Text(end="")
    table.append(_pad("where", where_width) + _pad("keys", keys_width) + "does", "bold")
    for where, keys, does in shown:
        table.append("\n" + _pad(where, where_width))
        table.append(_pad(keys, keys_width), "bold")
        table.append(does)
    return table


def _pad(text: str, width: int) -> str:
    return text + " " * (width - cell_len(text))


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

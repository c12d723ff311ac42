"""A question a move asks before it is made ("Why send it back?"): one line of text."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from ringmaster_tui.ui.widgets.paste_input import PasteInput


class PromptScreen(ModalScreen[str | None]):
    """Dismisses with the answer (never empty), or None when cancelled."""

    HELP_GROUP: ClassVar[str] = "Question"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="prompt.cancel"),
    ]

    def __init__(self, title: Text, question: str) -> None:
        super().__init__(id="prompt")
        self._title = title
        self._question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-dialog", classes="dialog"):
            yield Label(self._title, classes="dialog-title")
            yield PasteInput(placeholder=self._question, id="prompt-answer")
            yield Label(Text("enter confirms · escape cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(PasteInput).focus()

    @on(Input.Submitted)
    def _answered(self, event: Input.Submitted) -> None:
        event.stop()
        answer = event.value.strip()
        if answer:
            self.dismiss(answer)
        else:
            self.notify("An answer is needed (escape cancels).", severity="warning")

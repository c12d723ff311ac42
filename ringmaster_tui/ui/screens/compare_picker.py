"""`c` on a review: pick what the attempt's commit is compared with.

Its own parent (the commit alone), or another attempt of the same card: the diff then
goes from the earlier attempt's commit to the later one's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ringmaster_tui.domain.review import AttemptCommit
from ringmaster_tui.ui.formatting import MISSING, short_sha
from ringmaster_tui.ui.safe_text import make_visible


@dataclass(frozen=True)
class CompareChoice:
    against: AttemptCommit | None
    """None: the attempt's own commit against its parent."""


class ComparePickerScreen(ModalScreen[CompareChoice | None]):
    """Dismisses with the choice, or None when cancelled."""

    HELP_GROUP: ClassVar[str] = "Compare"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="compare.cancel"),
        Binding("j", "cursor('down')", "Down", show=False, id="move.down"),
        Binding("k", "cursor('up')", "Up", show=False, id="move.up"),
    ]

    def __init__(
        self, attempt_number: int, others: Sequence[AttemptCommit], current: AttemptCommit | None
    ) -> None:
        super().__init__(id="compare-picker")
        self.attempt_number = attempt_number
        self.choices = (CompareChoice(None), *(CompareChoice(other) for other in others))
        self.current = current

    def compose(self) -> ComposeResult:
        options = []
        for index, choice in enumerate(self.choices):
            label = self._label(choice)
            if choice.against == self.current:
                label.append("  (shown)")
            options.append(Option(label, id=str(index)))
        with Vertical(id="compare-dialog", classes="dialog"):
            yield Label(
                Text(f"Compare attempt {self.attempt_number}'s commit with:"),
                classes="dialog-title",
            )
            yield OptionList(*options, id="compare-choices", markup=False)
            yield Label(Text("enter picks · escape cancels"), classes="dialog-hint")

    def _label(self, choice: CompareChoice) -> Text:
        other = choice.against
        if other is None:
            return Text("its parent (the commit alone)")
        status = make_visible(other.status) or MISSING
        return Text(
            f"attempt {other.attempt_number} ({status}), "
            f"commit {make_visible(short_sha(other.commit_sha))}"
        )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_cursor(self, direction: str) -> None:
        choices = self.query_one(OptionList)
        if direction == "down":
            choices.action_cursor_down()
        else:
            choices.action_cursor_up()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[int(event.option.id or 0)])

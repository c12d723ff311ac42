"""`f`: pick the state to force a card to (any state but its own); also the picker of a
move that lets the user choose where the card goes (the source's targets)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ringmaster_tui.domain.snapshot import CardSummary
from ringmaster_tui.domain.workflow import Workflow
from ringmaster_tui.ui.safe_text import safe_text


class ForcePickerScreen(ModalScreen[str | None]):
    """Dismisses with the chosen state, or None when cancelled."""

    HELP_GROUP: ClassVar[str] = "Force"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="force.cancel"),
        Binding("j", "cursor('down')", "Down", show=False, id="move.down"),
        Binding("k", "cursor('up')", "Up", show=False, id="move.up"),
    ]

    def __init__(
        self,
        card: CardSummary,
        workflow: Workflow,
        *,
        targets: tuple[str, ...] | None = None,
        verb: str = "Force",
        recorded_as: str | None = None,
    ) -> None:
        super().__init__(id="force-picker")
        self.card = card
        self.workflow = workflow
        self.targets = workflow.force_targets(card.state) if targets is None else targets
        self.verb = verb
        self.recorded_as = recorded_as or workflow.force_trigger
        self.picks = "enter picks, then you confirm" if targets is None else "enter picks"
        """Force asks to confirm after the pick; a move's own question, if it has one, is
        the app's to ask next."""

    def compose(self) -> ComposeResult:
        title = Text(f"{self.verb} “")
        title.append_text(safe_text(self.card.title, one_line=True))
        title.append("” from ")
        title.append_text(safe_text(self.card.state))
        title.append(" to:")
        with Vertical(id="force-dialog", classes="dialog"):
            yield Label(title, classes="dialog-title")
            yield OptionList(
                *(Option(Text(self._target_label(state)), id=state) for state in self.targets),
                id="force-targets",
                markup=False,
            )
            yield Label(
                Text(f"{self.picks} · escape cancels · recorded as {self.recorded_as}"),
                classes="dialog-hint",
            )

    def _target_label(self, state: str) -> str:
        """The state, and its lane where the lane has another name."""
        lane = self.workflow.lane_of(state)
        return state if lane == state else f"{state}  ({lane})"

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_cursor(self, direction: str) -> None:
        targets = self.query_one(OptionList)
        if direction == "down":
            targets.action_cursor_down()
        else:
            targets.action_cursor_up()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

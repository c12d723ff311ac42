"""Deciding one decision: its summary, context and options, the default marked, the time
left counting down; pick (1-9, d, arrows), comment (tab), confirm (enter) or cancel (escape).

The dialog never writes: it asks the app, which writes only if the decision is still
pending. When it was settled meanwhile (decided, auto-resolved) the dialog says so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ringmaster_tui.domain.snapshot import DecisionDetail, DecisionView
from ringmaster_tui.domain.timefmt import age
from ringmaster_tui.ui.formatting import MISSING, countdown
from ringmaster_tui.ui.messages import Decide, DecisionDetailLoaded, DecisionWritten
from ringmaster_tui.ui.safe_text import make_visible, safe_text
from ringmaster_tui.ui.widgets.json_text import json_renderable
from ringmaster_tui.ui.widgets.paste_input import PasteInput

PENDING = "pending"
# Options 1-9 have a key; any further ones are reached with the arrows.
KEYED_OPTIONS = 9
TICK_SECONDS = 1.0
DEFAULT_MARK = "(default)"


class ChoiceList(OptionList):
    """The options: arrows, digits or a click pick one; enter confirms the one picked."""

    HELP_GROUP: ClassVar[str] = "Options"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Confirm", id="decision.confirm_option"),
    ]

    class Confirmed(Message):
        """Enter was pressed on the list."""

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, markup=False)

    def action_select(self) -> None:
        self.post_message(self.Confirmed())

    async def _on_click(self, event: events.Click) -> None:
        # A click only picks: confirming stays a deliberate key press.
        event.prevent_default()
        index = event.style.meta.get("option")
        if isinstance(index, int) and not self.get_option_at_index(index).disabled:
            self.highlighted = index


class DecisionScreen(ModalScreen[None]):
    HELP_GROUP: ClassVar[str] = "Decision"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Cancel", id="decision.cancel"),
        # A dialog hides the app's keys; its own are one key away all the same.
        Binding("question_mark", "app.help", "Keys", show=False, id="dialog.help"),
        Binding("enter", "confirm", "Confirm", id="decision.confirm"),
        Binding("d", "pick_default", "Pick the default", id="decision.default"),
        Binding("1", "pick(1)", "Pick option 1-9", id="decision.pick"),
        *(Binding(str(n), f"pick({n})", "", show=False) for n in range(2, KEYED_OPTIONS + 1)),
    ]

    def __init__(self, decision: DecisionView, clock: Callable[[], datetime]) -> None:
        super().__init__(id="decision")
        self.decision = decision
        self.detail: DecisionDetail | None = None
        self.choice: str | None = None
        """The option picked, as it will be written."""
        self.writing = False
        self.settled: str | None = None
        """Why nothing can be written any more (decided or auto-resolved), or None."""
        self._clock = clock
        self._was_pending = decision.status == PENDING
        self._facts = Static("", id="decision-facts")
        self._clock_line = Static("", id="decision-clock")
        self._summary = Static("", id="decision-summary")
        self._context_box = Static(Text("Loading…", style="dim"), id="decision-context")
        self._options = ChoiceList(id="decision-options")
        self._raw_options = Static("", id="decision-raw-options")
        # Its pastes are shown and written as visible text on one line (paste_input).
        self._comment = PasteInput(
            id="decision-comment", placeholder="comment (optional; tab)", compact=True
        )
        self._picked = Static("", id="decision-picked")
        self._status = Static("", id="decision-status")
        self._status.display = False

    def compose(self) -> ComposeResult:
        with Vertical(id="decision-dialog", classes="dialog"):
            yield Label(self._title(), classes="dialog-title")
            yield self._facts
            yield self._clock_line
            with VerticalScroll(id="decision-body"):
                yield self._summary
                yield Label(Text("Context"), classes="section-heading")
                yield self._context_box
            yield Label(Text("Options"), classes="section-heading")
            yield self._options
            yield self._raw_options
            yield self._picked
            yield self._comment
            yield self._status
            yield Label(
                Text("1-9 pick · d default · tab comment · enter confirms · escape cancels"),
                classes="dialog-hint",
            )

    def _title(self) -> Text:
        title = Text("Decision")
        if self.decision.decision_type:
            title.append(" · ")
            title.append_text(safe_text(self.decision.decision_type, one_line=True))
        return title

    def on_mount(self) -> None:
        self._show(self.decision)
        self._show_options()
        self._show_picked()
        self._options.focus()
        self.set_interval(TICK_SECONDS, self._tick)

    # --- what is shown ---

    def _show(self, decision: DecisionView) -> None:
        now = self._clock()
        facts = Text(end="")
        facts.append("requested by ", "dim")
        facts.append_text(safe_text(decision.requested_by or MISSING, one_line=True))
        if decision.requested_at:
            facts.append(f" {age(decision.requested_at, now)} ago", "dim")
        facts.append(" · card ", "dim")
        facts.append_text(safe_text(decision.card_title or MISSING, one_line=True))
        self._facts.update(facts)
        self._summary.update(safe_text(decision.summary, newlines="keep"))
        self._tick()

    def _tick(self) -> None:
        decision = self.decision
        line = Text(end="")
        if decision.status == PENDING:
            line.append("time left ", "dim")
            line.append(countdown(decision.deadline, self._clock()), "bold")
        else:
            line.append_text(safe_text(decision.status, style="bold"))
            if decision.decided_by:
                line.append(" by ", "dim")
                line.append_text(safe_text(decision.decided_by))
            if decision.choice:
                line.append(": ", "dim")
                line.append_text(safe_text(decision.choice))
        line.append(" · default ", "dim")
        line.append_text(safe_text(decision.default_option or "none"))
        self._clock_line.update(line)

    def _show_options(self) -> None:
        options = self.decision.options
        self._raw_options.display = options is None
        self._options.display = bool(options)
        if options is None:
            raw = Text("The options do not parse as a JSON list; as stored:\n", style="dim")
            raw.append_text(safe_text(self.decision.options_raw, newlines="keep"))
            if self.decision.default_option:
                raw.append("\nd picks the default.", "dim")
            self._raw_options.update(raw)
            return
        prompts: list[Option] = []
        for index, label in enumerate(options):
            prompt = Text(f"{index + 1:>2}  " if index < KEYED_OPTIONS else "    ")
            prompt.append_text(safe_text(label))
            if label == self.decision.default_option:
                prompt.append(f"  {DEFAULT_MARK}", "bold")
            prompts.append(Option(prompt))
        self._options.set_options(prompts)
        if self.choice in options:
            self._options.highlighted = options.index(self.choice)

    def _show_picked(self) -> None:
        if self.choice is None:
            self._picked.update(Text("Nothing picked yet.", style="dim"))
        else:
            text = Text("Your choice: ", style="bold")
            text.append_text(safe_text(self.choice, one_line=True))
            self._picked.update(text)

    def _say(self, message: str, *, warning: bool = False) -> None:
        self._status.display = bool(message)
        self._status.update(safe_text(message))
        self._status.set_class(warning, "-warning")

    # --- the decision as it is now ---

    @on(DecisionDetailLoaded)
    def _loaded(self, message: DecisionDetailLoaded) -> None:
        if message.decision_id != self.decision.id:
            return
        if message.error:
            self._say(f"Could not read the decision: {message.error}", warning=True)
            return
        if message.detail is None:
            self.settled = "This decision no longer exists; nothing can be written."
            self._say(self.settled, warning=True)
            return
        before = self.decision
        self.detail = message.detail
        self.decision = message.detail.decision
        self._show(self.decision)
        self._context_box.update(json_renderable(message.detail.context, none="None given."))
        if (self.decision.options, self.decision.default_option) != (
            before.options,
            before.default_option,
        ):
            self._show_options()
        if self.decision.status != PENDING:
            self._now_settled()

    def _now_settled(self) -> None:
        status = make_visible(self.decision.status)
        who = f" by {make_visible(self.decision.decided_by)}" if self.decision.decided_by else ""
        if self._was_pending:
            self.settled = f"This decision was {status}{who} meanwhile; nothing was written."
        else:
            self.settled = f"This decision is {status}{who}; there is nothing to decide."
        self._say(self.settled, warning=True)

    # --- keys ---

    def action_pick(self, number: int) -> None:
        options = self.decision.options
        if not options or not 1 <= number <= len(options):
            self._say(f"There is no option {number}.", warning=True)
            return
        self._options.highlighted = number - 1  # the highlight message sets the choice
        self._pick(options[number - 1])

    def action_pick_default(self) -> None:
        default = self.decision.default_option
        if default is None:
            self._say("This decision has no default.", warning=True)
            return
        options = self.decision.options or ()
        if default in options:
            self._options.highlighted = options.index(default)
        self._pick(default)

    def _pick(self, choice: str) -> None:
        self.choice = choice
        self._show_picked()
        if self.settled is None and not self.writing:
            self._say("")

    @on(OptionList.OptionHighlighted, "#decision-options")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        options = self.decision.options or ()
        if 0 <= event.option_index < len(options):
            self._pick(options[event.option_index])

    @on(ChoiceList.Confirmed)
    @on(Input.Submitted, "#decision-comment")
    def _enter(self, event: Message) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        if self.writing:
            return
        if self.settled is not None:
            self._say(self.settled, warning=True)
            return
        if self.choice is None:
            count = len(self.decision.options or ())
            keys = f"1-{min(count, KEYED_OPTIONS)} or " if count else ""
            self._say(f"Pick an option first: {keys}d for the default.", warning=True)
            return
        self.writing = True
        self._say("Writing your decision…")
        comment = self._comment.value.strip() or None
        self.app.post_message(Decide(self.decision.id, self.choice, comment))

    @on(DecisionWritten)
    def _written(self, message: DecisionWritten) -> None:
        if message.decision_id != self.decision.id:
            return
        self.writing = False
        if message.outcome.ok:
            self.dismiss()
        else:
            self._say(message.outcome.message, warning=True)

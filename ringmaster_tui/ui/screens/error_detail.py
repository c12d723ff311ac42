"""One error in full (enter in the errors view): message, stack trace, context.

It opens with what the list knows and fills in when the app has read the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from ringmaster_tui.domain.snapshot import ErrorDetail, ErrorView
from ringmaster_tui.domain.timefmt import age
from ringmaster_tui.ui.formatting import MISSING
from ringmaster_tui.ui.messages import ErrorDetailLoaded, ResolveError
from ringmaster_tui.ui.safe_text import safe_text
from ringmaster_tui.ui.widgets.json_text import json_renderable


class ErrorDetailScreen(ModalScreen[None]):
    HELP_GROUP: ClassVar[str] = "Error"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="error.close"),
        # A dialog hides the app's keys; its own are one key away all the same.
        Binding("question_mark", "app.help", "Keys", show=False, id="dialog.help"),
        Binding("x", "resolve", "Resolve", id="error.resolve"),
        Binding("j", "scroll('down')", "Scroll down", show=False, id="move.down"),
        Binding("k", "scroll('up')", "Scroll up", show=False, id="move.up"),
    ]

    def __init__(self, error: ErrorView, clock: Callable[[], datetime]) -> None:
        super().__init__(id="error-detail")
        self.error = error
        self.detail: ErrorDetail | None = None
        self._clock = clock
        self._facts = Static("", id="error-facts")
        self._message = Static("", id="error-message")
        self._stack = Static(Text("Loading…", style="dim"), id="error-stack")
        self._context_box = Static(Text("Loading…", style="dim"), id="error-context")

    def compose(self) -> ComposeResult:
        with Vertical(id="error-dialog", classes="dialog"):
            yield Label(
                safe_text(f"Error · {self.error.error_type}", one_line=True), classes="dialog-title"
            )
            with VerticalScroll(id="error-body"):
                yield self._facts
                yield Label(Text("Message"), classes="section-heading")
                yield self._message
                yield Label(Text("Stack trace"), classes="section-heading")
                yield self._stack
                yield Label(Text("Context"), classes="section-heading")
                yield self._context_box
            yield Label(Text("x resolves · j/k scroll · escape closes"), classes="dialog-hint")

    def on_mount(self) -> None:
        self._show(self.error)
        self.query_one("#error-body", VerticalScroll).focus()

    def _show(self, error: ErrorView) -> None:
        now = self._clock()
        facts = Text(end="")
        rows = [
            ("card", error.card_title or error.card_id),
            ("attempt", f"#{error.attempt_number}" if error.attempt_number else MISSING),
            ("severity", error.severity or MISSING),
            ("category", error.category or MISSING),
            ("created", f"{age(error.created_at, now)} ago" if error.created_at else MISSING),
            ("resolved", self._resolved(error)),
        ]
        for name, value in rows:
            facts.append(f"{name:>9} ", "dim")
            facts.append_text(safe_text(value))
            facts.append("\n")
        facts.rstrip()
        self._facts.update(facts)
        self._message.update(safe_text(error.message, newlines="keep"))

    def _resolved(self, error: ErrorView) -> str:
        if not error.resolved:
            return "no"
        when = self.detail.resolved_at if self.detail else None
        return f"yes, {age(when, self._clock())} ago" if when else "yes"

    @on(ErrorDetailLoaded)
    def _loaded(self, message: ErrorDetailLoaded) -> None:
        if message.error_id != self.error.id:
            return
        if message.error or message.detail is None:
            problem = message.error or "This error no longer exists."
            self._stack.update(safe_text(problem))
            self._context_box.update(Text(""))
            return
        self.detail = message.detail
        self.error = message.detail.error
        self._show(self.error)
        stack = message.detail.stack_trace
        self._stack.update(
            safe_text(stack, newlines="keep") if stack else Text("None recorded.", style="dim")
        )
        self._context_box.update(json_renderable(message.detail.context, none="None recorded."))

    def action_resolve(self) -> None:
        if self.error.resolved:
            self.notify("This error is resolved already.")
            return
        self.app.post_message(ResolveError(self.error))  # to the app: this screen goes now
        self.dismiss()

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#error-body", VerticalScroll)
        if direction == "down":
            body.scroll_down()
        else:
            body.scroll_up()

"""Where a paste goes in the app, and in what form; the terminal driver that reads it.

The app's base class, `PasteGuardApp`, does three things:

- it runs on `PasteGuardDriver` (ui/paste_guard.py), whose parser makes every bracketed
  paste one Paste event and never key presses, whatever the paste holds;
- before a paste reaches any widget, its control characters and escape sequences are made
  visible (`make_visible`; line breaks kept as "\\n" for a multi-line field), so every text
  field of the app gets them visible, ours (ui/widgets/paste_input.py, one line) and
  Textual's (the command palette, the review's search, any TextArea) alike;
- a paste while no text field has focus (the lanes of the board, a list, a dialog's
  options) goes to the one text field the screen offers: the shown view's filter, which
  opens with the pasted text in place of the one it kept (the board and the lists read
  as "paste to find it", as in a browser's find bar), or a dialog's comment, which gets
  focus as tab would give it. Where there is none, or more than one, the paste is
  ignored with a short note. Nothing here runs an action: a paste is never keys.
"""

from __future__ import annotations

import sys
from typing import TypeVar

from textual import events
from textual.app import App
from textual.driver import Driver
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, TextArea

from ringmaster_tui.ui.safe_text import make_visible
from ringmaster_tui.ui.widgets.filter_input import FilterInput

ReturnType = TypeVar("ReturnType")

NOWHERE_TO_PASTE = "Nothing here takes text: the paste was ignored."


def _shown(widget: Widget) -> bool:
    return all(node.display for node in widget.ancestors_with_self if isinstance(node, Widget))


def _can_take_paste(field: Input) -> bool:
    """Shown and enabled; a filter counts while its view is shown (a paste opens it)."""
    if field.disabled:
        return False
    if isinstance(field, FilterInput) and isinstance(field.parent, Widget):
        return _shown(field.parent)
    return _shown(field)


def paste_target(screen: Screen[object]) -> Input | None:
    """The one text field of `screen` a paste with nothing focused goes to, or None."""
    fields = [field for field in screen.query(Input) if _can_take_paste(field)]
    return fields[0] if len(fields) == 1 else None


class PasteGuardApp(App[ReturnType]):
    """An App where a paste is text in a field, shown visibly, and never keys."""

    def get_driver_class(self) -> type[Driver]:
        driver = super().get_driver_class()
        if sys.platform == "win32":
            return driver  # Textual's Windows driver: not covered (no pty to test it on)
        # Imported here: Textual's Linux driver does not import on Windows.
        from textual.drivers.linux_driver import LinuxDriver

        from ringmaster_tui.ui.paste_guard import PasteGuardDriver

        return PasteGuardDriver if driver is LinuxDriver else driver

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Paste) and not event.is_forwarded:
            # As it comes from the driver, before App sends it to the focused widget.
            event.text = make_visible(event.text, newlines="keep")
        await super().on_event(event)

    def on_paste(self, event: events.Paste) -> None:
        """A paste that no widget took: the focused one is not a text field."""
        if isinstance(self.focused, Input | TextArea):
            return  # it took the text (a TextArea lets the event go on)
        field = paste_target(self.screen)
        if field is None:
            self.notify(NOWHERE_TO_PASTE, timeout=3, markup=False)
            return
        if isinstance(field, FilterInput):
            field.open()  # it waits hidden
        else:
            field.focus()
        text = event.text
        # After the focus (it selects the field's text, which the paste then replaces).
        self.call_later(field.post_message, events.Paste(text))

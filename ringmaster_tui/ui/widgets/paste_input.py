"""A one-line field for text from outside: what is pasted in is shown, on one line.

Textual's Input keeps only the first line of a paste and inserts it as it is, control
characters and escape sequences included (drawn, they would reach the terminal). Here a
paste, and ctrl+v of the app's own clipboard, are made visible (`make_visible`: ESC as ␛,
a tab as spaces) and their lines joined by a space, as browsers' one-line fields do with
a multi-line paste: a filter still matches words that were on two lines, a comment reads
as one sentence. Blank lines and line breaks at either end are dropped.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from ringmaster_tui.ui.safe_text import make_visible


def one_line_paste(text: str) -> str:
    """`text` made visible, its lines joined by single spaces."""
    lines = make_visible(text, newlines="keep").split("\n")
    return " ".join(line for line in lines if line)


class PasteInput(Input):
    """An Input whose pastes are visible text on one line."""

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()  # Input's own handler would insert the raw first line
        self._insert(one_line_paste(event.text))

    def action_paste(self) -> None:
        self._insert(one_line_paste(self.app.clipboard))

    def _insert(self, text: str) -> None:
        if not text:
            return
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)

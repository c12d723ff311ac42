"""The text field of a filter: an Input whose styles alone set its size, and whose pastes
are visible text on one line (see paste_input)."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive

from ringmaster_tui.ui.widgets.paste_input import PasteInput


class FilterInput(PasteInput):
    """An Input that never lays out the screen as it is opened or typed into.

    Input sets its virtual size to the width of its text at each key, and Widget declares
    that attribute as one that lays out the whole screen when it changes: 3-5 ms a key on
    a big board, for nothing when the styles fix the field's size. Only its scrolling
    (to keep the cursor in view) reads the virtual size, and it reads it directly.
    Not for a field sized by its content (`width: auto`).

    It waits hidden, yet laid out, until opened: a widget coming into the layout renumbers
    its siblings' places, which redraws the whole view; a hidden one shown redraws its own
    rows. (Its styles float it over the view's foot, on a layer of its own.)
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def on_mount(self) -> None:
        self.visible = False

    def open(self) -> None:
        """Shown, with the keyboard."""
        self.visible = True
        self.focus()

    def close(self) -> None:
        self.visible = False

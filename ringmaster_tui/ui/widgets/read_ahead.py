"""Lists that read only what they show: they say how tall they are and when they are
scrolled near their end, and whoever holds them asks the app for that many rows more.

Shared by the board's lanes and the list views; the database stays the app's business.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.message import Message
from textual.scroll_view import ScrollView

if TYPE_CHECKING:
    _Scrolling = ScrollView
else:
    # Not a widget class itself: Textual takes CSS and component classes from the first
    # widget base alone, which must stay the list's own (OptionList, DataTable).
    _Scrolling = object


class ListFits(Message):
    """How many lines the list shows at once (at the terminal's current size)."""

    def __init__(self, lines: int) -> None:
        super().__init__()
        self.lines = lines


class ListNearEnd(Message):
    """The list is scrolled to within a page of its last line: more may be wanted."""

    def __init__(self, scrolled: ScrollView) -> None:
        super().__init__()
        self.scrolled = scrolled


class ReadsAhead(_Scrolling):
    """Mixed into a scrolling list, before its widget class: it posts ListFits on resize
    and ListNearEnd as it nears its end."""

    def on_resize(self, event: events.Resize) -> None:
        self.post_message(ListFits(event.size.height))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if new_value > old_value and self.is_near_end:
            self.post_message(ListNearEnd(self))

    @property
    def is_near_end(self) -> bool:
        """Less than a page of lines below the bottom of the view."""
        height = self.scrollable_content_region.height
        return self.virtual_size.height - (self.scroll_y + height) < height

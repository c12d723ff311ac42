"""The base of the review's long views: Textual's Line API over rows made on demand.

Only the rows on screen are ever rendered, each once until its look changes (a cache of
strips), so a view of 500,000 output lines or a 20,000-line diff costs what one screen
costs. Subclasses say how many rows there are, how wide the widest is, and what one row
looks like.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.events import Resize
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

CACHED_ROWS = 2048


class LinesView(ScrollView, can_focus=True):
    HELP_GROUP: ClassVar[str] = "Scrolling"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Scroll down", show=False, id="move.scroll_down"),
        Binding("k", "scroll_up", "Scroll up", show=False, id="move.scroll_up"),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._strips: LRUCache[int, tuple[Strip, Style]] = LRUCache(CACHED_ROWS)

    # --- what subclasses provide ---

    @property
    def row_count(self) -> int:
        raise NotImplementedError

    def content_width(self) -> int:
        """The widest row in cells (the horizontal scroll range); 0: the view's width."""
        return 0

    def render_row(self, row: int, width: int) -> tuple[Text, Style]:
        """Row `row` (0-based) for a view `width` cells wide, and the style of its padding."""
        raise NotImplementedError

    # --- the Line API ---

    def rows_changed(self) -> None:
        """The rows (or their look) changed: forget the cache, re-measure, repaint."""
        self._strips.clear()
        self.virtual_size = Size(self.content_width(), self.row_count)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        width = self.scrollable_content_region.width
        if not 0 <= row < self.row_count:
            return Strip.blank(width, self.rich_style)
        cached = self._strips.get(row)
        if cached is None:
            text, fill = self.render_row(row, width)
            base = self.rich_style  # the view's own colours, under the row's
            cached = (Strip(text.render(self.app.console)).apply_style(base), base + fill)
            self._strips[row] = cached
        strip, fill = cached
        return strip.crop_extend(scroll_x, scroll_x + width, fill)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def on_resize(self, event: Resize) -> None:
        self._strips.clear()  # rows made for a width (split halves, ellipses) are stale
        self.virtual_size = Size(self.content_width(), self.row_count)

    # --- moving ---

    @property
    def first_visible_row(self) -> int:
        return round(self.scroll_y)

    @property
    def page_rows(self) -> int:
        return max(self.scrollable_content_region.height, 1)

    def show_row(self, row: int, *, center: bool = False) -> None:
        """Scroll just enough to show `row` (or put it mid-screen with `center`)."""
        if center:
            self.scroll_to(y=max(row - self.page_rows // 2, 0), animate=False)
        else:
            self.scroll_to_region(Region(round(self.scroll_x), row, 1, 1), animate=False)

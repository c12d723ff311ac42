"""An attempt's output, numbered, with the matches of a search marked.

Tens of MB stay quick: `OutputIndex` slices one line at a time out of the text, and only
the lines on screen are drawn. Lines are made visible (control characters as symbols)
and cut at LINE_MAX_CHARS; the output is never parsed as markup.
"""

from __future__ import annotations

import re
from typing import ClassVar

from rich.style import Style
from rich.text import Text

from ringmaster_tui.review import OutputIndex
from ringmaster_tui.ui.safe_text import make_visible
from ringmaster_tui.ui.widgets.lines_view import LinesView

LINE_MAX_CHARS = 2000


class OutputView(LinesView):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "output--number",
        "output--match",
        "output--current",
        "output--cut",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.index = OutputIndex("")
        self._longest = 0
        self._digits = 1
        self._pattern: re.Pattern[str] | None = None
        self.current_line: int | None = None
        """The line of the match the user is on; None before a search."""

    def show_output(self, index: OutputIndex, longest_line: int) -> None:
        self.index = index
        self._longest = min(longest_line, LINE_MAX_CHARS)
        self._digits = len(str(max(index.line_count, 1)))
        self.scroll_to(0, 0, animate=False)
        self.rows_changed()

    def mark(self, query: str, current_line: int | None) -> None:
        """Mark `query` (any case) on the lines drawn; put the view on `current_line`."""
        self._pattern = re.compile(re.escape(query), re.IGNORECASE) if query else None
        self.current_line = current_line
        self.rows_changed()
        if current_line is not None:
            self.show_row(current_line, center=True)

    # --- drawing ---

    @property
    def row_count(self) -> int:
        return self.index.line_count

    def content_width(self) -> int:
        return self._digits + 1 + self._longest + 2

    def render_row(self, row: int, width: int) -> tuple[Text, Style]:
        line = self.index.line(row)
        shown = make_visible(line[:LINE_MAX_CHARS])
        base = (
            self.get_component_rich_style("output--current")
            if row == self.current_line
            else Style()
        )
        text = Text(style=base, end="", no_wrap=True)
        text.append(f"{row + 1:>{self._digits}} ", self.get_component_rich_style("output--number"))
        start = len(text)
        text.append(shown)
        if len(line) > LINE_MAX_CHARS:
            text.append(
                f" … ({len(line) - LINE_MAX_CHARS:,} more characters)",
                self.get_component_rich_style("output--cut"),
            )
        if self._pattern is not None:
            match_style = self.get_component_rich_style("output--match")
            for found in self._pattern.finditer(shown):
                text.stylize(match_style, start + found.start(), start + found.end())
        return text, base

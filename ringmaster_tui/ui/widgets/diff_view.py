"""One file's diff, unified or side by side, syntax-coloured, drawn a screen at a time.

Our own Line API widget rather than a diff widget package: `textual-diff-view` is AGPL
and renders a whole file up front, which stalls on a 50,000-line file. Here a row is
made when it scrolls into view, from the hunks `review.hunks` parsed in a worker.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text

from ringmaster_tui.review import DiffLine, FilePatch, LineKind, SideBySideRow
from ringmaster_tui.ui.diff_rows import (
    DiffRow,
    HunkRow,
    Layout,
    NoteRow,
    longest_line,
    number_width,
    rows_for,
)
from ringmaster_tui.ui.highlight import PLAIN_LEXER, LineHighlighter
from ringmaster_tui.ui.safe_text import make_visible
from ringmaster_tui.ui.widgets.lines_view import LinesView

LINE_MAX_CHARS = 2000
"""A longer line is shown cut (minified files): drawing stays cheap."""
_SIGNS = {LineKind.ADDED: "+", LineKind.REMOVED: "-", LineKind.CONTEXT: " "}
_SEPARATOR = "│"


class DiffView(LinesView):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "diff--added",
        "diff--removed",
        "diff--gutter",
        "diff--hunk",
        "diff--note",
        "diff--empty",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.layout_mode = Layout.UNIFIED
        self.patch: FilePatch | None = None
        self._message = ""
        self._rows: tuple[DiffRow, ...] = ()
        self._digits = 3
        self._longest = 0
        self._highlighter = LineHighlighter(PLAIN_LEXER)

    # --- what is shown ---

    def show_patch(self, patch: FilePatch, lexer_name: str) -> None:
        self.patch = patch
        self._message = ""
        self._highlighter = LineHighlighter(lexer_name, dark=self.app.current_theme.dark)
        self._digits = number_width(patch)
        self._longest = min(longest_line(patch), LINE_MAX_CHARS)
        self._rows = rows_for(patch, self.layout_mode)
        self.scroll_to(0, 0, animate=False)
        self.rows_changed()

    def show_message(self, message: str) -> None:
        """A sentence instead of a diff (loading, a problem); plain text, made visible."""
        self.patch = None
        self._message = message
        self._rows = (NoteRow(message),)
        self._longest = 0
        self.scroll_to(0, 0, animate=False)
        self.rows_changed()

    def set_layout(self, layout: Layout) -> None:
        if layout is self.layout_mode:
            return
        self.layout_mode = layout
        if self.patch is None:
            self.rows_changed()
            return
        # Keep the same hunk at the top: rows differ between layouts, hunks do not.
        hunk = self._hunk_at(self.first_visible_row)
        self._rows = rows_for(self.patch, layout)
        self.rows_changed()
        top = next(
            (i for i, r in enumerate(self._rows) if isinstance(r, HunkRow) and r.hunk is hunk), 0
        )
        self.scroll_to(0, top, animate=False, immediate=True)

    def _hunk_at(self, row: int) -> object:
        for index in range(min(row, len(self._rows) - 1), -1, -1):
            item = self._rows[index]
            if isinstance(item, HunkRow):
                return item.hunk
        return None

    @property
    def rows(self) -> tuple[DiffRow, ...]:
        return self._rows

    # --- drawing ---

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def content_width(self) -> int:
        if self.layout_mode is Layout.SPLIT or self.patch is None:
            return 0  # halves and notes fit the view's width
        return 2 * self._digits + 4 + self._longest

    def render_row(self, row: int, width: int) -> tuple[Text, Style]:
        item = self._rows[row]
        if isinstance(item, NoteRow):
            style = self.get_component_rich_style("diff--note")
            return Text(make_visible(item.text), style=style, end="", no_wrap=True), Style()
        if isinstance(item, HunkRow):
            return self._hunk_header(item), Style()
        if isinstance(item, DiffLine):
            return self._unified(item)
        return self._split(item, width), Style()

    def _hunk_header(self, item: HunkRow) -> Text:
        hunk = item.hunk
        text = Text(hunk.header, style=self.get_component_rich_style("diff--hunk"), end="")
        if hunk.section:
            text.append(" " + make_visible(hunk.section))
        text.no_wrap = True
        return text

    def _line_style(self, kind: LineKind) -> Style:
        if kind is LineKind.ADDED:
            return self.get_component_rich_style("diff--added")
        if kind is LineKind.REMOVED:
            return self.get_component_rich_style("diff--removed")
        return Style()

    def _code(self, line: DiffLine) -> Text:
        code = line.text[:LINE_MAX_CHARS]
        text = self._highlighter.highlight(make_visible(code))
        if len(line.text) > LINE_MAX_CHARS:
            text.append(" …", self.get_component_rich_style("diff--note"))
        return text

    def _number(self, value: int | None) -> str:
        return f"{value:>{self._digits}}" if value is not None else " " * self._digits

    def _unified(self, line: DiffLine) -> tuple[Text, Style]:
        background = self._line_style(line.kind)
        gutter = self.get_component_rich_style("diff--gutter")
        text = Text(style=background, end="", no_wrap=True)
        text.append(f"{self._number(line.old_number)} {self._number(line.new_number)} ", gutter)
        text.append(f"{_SIGNS[line.kind]} ")
        text.append_text(self._code(line))
        return text, background

    def _half(self, line: DiffLine | None, number: int | None, width: int) -> Text:
        if line is None:
            return Text(" " * width, style=self.get_component_rich_style("diff--empty"), end="")
        background = self._line_style(line.kind)
        text = Text(style=background, end="", no_wrap=True)
        text.append(f"{self._number(number)} ", self.get_component_rich_style("diff--gutter"))
        text.append(f"{_SIGNS[line.kind]} ")
        text.append_text(self._code(line))
        text.truncate(width, overflow="ellipsis", pad=True)
        return text

    def _split(self, row: SideBySideRow, width: int) -> Text:
        left_width = max((width - 1) // 2, 1)
        right_width = max(width - 1 - left_width, 1)
        left, right = row.left, row.right
        text = Text(end="", no_wrap=True)
        text.append_text(self._half(left, left.old_number if left else None, left_width))
        text.append(_SEPARATOR, self.get_component_rich_style("diff--gutter"))
        text.append_text(self._half(right, right.new_number if right else None, right_width))
        return text

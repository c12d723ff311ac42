"""Searching and paging through an attempt's output (tens of MB) without slowing a UI.

The index of line starts is built once (a compact array, not a list of strings); a
window of lines is a few slices; a search is `str.find` over a lowered copy, jumping to
the next line after each hit, so a query is a handful of C-speed scans. Lines end at
"\\n" only (a trailing "\\r" is dropped when shown): str.splitlines would also break at
"\\r", form feeds and Unicode separators, and line numbers would disagree with the file.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import accumulate

_NEWLINE = "\n"


class OutputIndex:
    """A big text, indexed by line. Line numbers are 0-based."""

    def __init__(self, text: str) -> None:
        self.text = text
        lengths = (len(line) + 1 for line in text.split(_NEWLINE))
        # starts[i] is where line i begins; the last entry is one past the end.
        self._starts = array("q", accumulate(lengths, initial=0))
        if not text or text.endswith(_NEWLINE):
            self._starts.pop()  # a final newline ends the last line; it starts none
        self._lowered: str | None = None
        self._lowering_checked = False

    @property
    def line_count(self) -> int:
        return len(self._starts) - 1

    def line(self, number: int) -> str:
        """Line `number` without its line ending; IndexError outside the text."""
        if not 0 <= number < self.line_count:
            raise IndexError(f"no line {number} (the output has {self.line_count})")
        start, end = self._starts[number], self._starts[number + 1] - 1
        return self.text[start:end].removesuffix("\r")

    def window(self, start: int, end: int) -> tuple[str, ...]:
        """Lines [start, end), clamped to the text; cost proportional to the window."""
        first, last = max(start, 0), min(end, self.line_count)
        return tuple(self.line(number) for number in range(first, last))

    def line_at(self, offset: int) -> int:
        """The line holding character `offset`."""
        return bisect_right(self._starts, offset) - 1

    def search(self, query: str) -> tuple[int, ...]:
        """Line numbers (ascending) of lines containing `query`, ignoring case."""
        if not query or _NEWLINE in query:
            return ()
        lowered_query = query.lower()
        haystack = self._lowered_text()
        if haystack is None or len(lowered_query) != len(query):
            return self._search_by_regex(query)
        found: list[int] = []
        starts, find = self._starts, haystack.find  # locals: this loop runs per hit
        line = -1
        position = find(lowered_query)
        while position != -1:
            line = bisect_right(starts, position, line + 1) - 1
            found.append(line)
            # One hit per line is enough: carry on from the next line's start.
            position = find(lowered_query, starts[line + 1])
        return tuple(found)

    def _lowered_text(self) -> str | None:
        """The text lowered once, if lowering keeps every offset (nearly always)."""
        if not self._lowering_checked:
            lowered = self.text.lower()
            # "İ".lower() is two characters: offsets would drift, so the regex is used.
            self._lowered = lowered if len(lowered) == len(self.text) else None
            self._lowering_checked = True
        return self._lowered

    def _search_by_regex(self, query: str) -> tuple[int, ...]:
        pattern = re.compile(re.escape(query), re.IGNORECASE)
        found: list[int] = []
        position = 0
        while (match := pattern.search(self.text, position)) is not None:
            line = self.line_at(match.start())
            found.append(line)
            position = self._starts[line + 1]
        return tuple(found)


def next_match(matches: Sequence[int], after_line: int, wrap: bool = True) -> int | None:
    """The first match below `after_line`; with `wrap`, the first one overall if none."""
    index = bisect_right(matches, after_line)
    if index < len(matches):
        return matches[index]
    return matches[0] if wrap and matches else None


def previous_match(matches: Sequence[int], before_line: int, wrap: bool = True) -> int | None:
    """The last match above `before_line`; with `wrap`, the last one overall if none."""
    index = bisect_left(matches, before_line)
    if index > 0:
        return matches[index - 1]
    return matches[-1] if wrap and matches else None

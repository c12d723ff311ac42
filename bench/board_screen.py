"""What the board shows, read from what the app draws: the lane strip's selected lane and
the text in the filter's field, each with when it was first drawn.

The lane strip is the line naming every lane with its count ("DRAFT 5  PLANNING 5 ...");
the selected lane's entry is the one drawn on another background than the line's own
(ui/widgets/lane_strip.py, styles/board.tcss `strip--current`). The filter's field is
found by its placeholder, on the row where it is drawn.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from terminal_driver import SIZE, Piece

# The filter field's text while it is empty (ui/widgets/board.py).
FILTER_PLACEHOLDER = "filter titles and descriptions"
# A whole strip line: only names and counts, one or two spaces apart, to the line's end
# (a line cut between two reads is read once the rest has come).
_STRIP_LINE = re.compile(r"^ ?(?:[A-Z][A-Z0-9_-]* \d+ {1,2})*[A-Z][A-Z0-9_-]* \d+ *\r\n$")
_NAME = re.compile(r"^[A-Z][A-Z0-9_-]*$")
_SEGMENT = re.compile(r"\x1b\[([0-9;]*)m([^\x1b]*)")
# The field's frame around its text ("▊  text   ▎").
_FIELD_FRAME = " ▊▎▌▐│┃"
_FIELD_RIGHT_EDGE = re.compile("[▎▌▐│┃]")

Shown = TypeVar("Shown")


@dataclass(frozen=True)
class Strip:
    lanes: tuple[tuple[str, int], ...]
    """Every lane shown, left to right, with its count."""
    current: str

    def neighbour(self, direction: int) -> str | None:
        """The lane `l` (+1) or `h` (-1) selects: the next one holding cards that way."""
        names = [name for name, count in self.lanes if count or name == self.current]
        if self.current not in names:
            return None
        index = names.index(self.current) + direction
        return names[index] if 0 <= index < len(names) else None


def read_strip(piece: Piece) -> Strip | None:
    """The strip drawn by `piece`, if it is a whole strip line with a lane selected."""
    if piece.column != 1 or not _STRIP_LINE.match(piece.plain):
        return None
    segments = [(sgr, text) for sgr, text in _SEGMENT.findall(piece.raw) if text]
    if not segments:
        return None
    line_background = _background(segments[0][0])  # the strip's padding
    current = [
        text for sgr, text in segments if _NAME.match(text) and _background(sgr) != line_background
    ]
    if len(current) != 1:
        return None
    words = piece.plain.split()
    lanes = tuple((name, int(count)) for name, count in zip(words[::2], words[1::2], strict=True))
    return Strip(lanes, current[0])


def _field_text(row: str) -> str:
    """The text inside the field's frame: what is drawn right of the frame on the same row
    (a notification over the lanes' foot) is not the field's."""
    inside = row[1:]
    edge = _FIELD_RIGHT_EDGE.search(inside)
    return (inside[: edge.start()] if edge else inside).strip(_FIELD_FRAME)


def _background(sgr: str) -> str | None:
    """The background a style sequence's parameters set ("48;5;17", "44"), if any."""
    params = sgr.split(";")
    index = 0
    while index < len(params):
        param = params[index]
        if param in ("38", "48"):  # a colour: 5;n or 2;r;g;b follow
            width = 2 if params[index + 1 : index + 2] == ["5"] else 4
            if param == "48":
                return ";".join(params[index : index + 1 + width])
            index += 1 + width
        else:
            if param.isdigit() and (40 <= int(param) <= 47 or 100 <= int(param) <= 107):
                return param
            index += 1
    return None


class BoardScreen:
    """A piece watch (terminal_driver.PieceWatch) that keeps what the strip and the
    filter's field showed, and when."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._strips: list[tuple[float, Strip]] = []
        self._filter_row: int | None = None
        self._field: list[tuple[float, str]] = []
        self._rows: dict[int, list[str]] = {}
        """Each row's characters as drawn so far: the field floats over the lanes, so its
        row comes in pieces cut at the lanes' edges."""

    def __call__(self, at: float, piece: Piece) -> None:
        strip = read_strip(piece)
        with self._lock:
            if strip is not None and (not self._strips or self._strips[-1][1] != strip):
                self._strips.append((at, strip))
            row = self._draw(piece)
            if FILTER_PLACEHOLDER in row:
                self._filter_row = piece.row
            if piece.row == self._filter_row and row.startswith("▊"):
                self._field.append((at, _field_text(row)))

    def _draw(self, piece: Piece) -> str:
        """The piece's row, with the piece drawn into it."""
        cells = self._rows.setdefault(piece.row, [" "] * SIZE[0])
        text = piece.plain.rstrip("\r\n")
        start = piece.column - 1
        cells[start : start + len(text)] = list(text)
        del cells[SIZE[0] :]
        return "".join(cells)

    @property
    def strip(self) -> Strip | None:
        """The strip as last drawn."""
        with self._lock:
            return self._strips[-1][1] if self._strips else None

    def strip_after(
        self, since: float, timeout: float, wanted: Callable[[Strip], bool]
    ) -> tuple[float, Strip] | None:
        """The first strip `wanted` drawn after `since`, and when; None after `timeout`."""
        return self._wait(lambda: self._strips, since, timeout, wanted)

    def field_after(
        self, since: float, timeout: float, wanted: Callable[[str], bool]
    ) -> float | None:
        """When the filter's field first showed a text `wanted` after `since`."""
        found = self._wait(lambda: self._field, since, timeout, wanted)
        return None if found is None else found[0]

    def fields_since(self, since: float) -> list[tuple[float, str]]:
        """What the field showed after `since`, and when (for a bench's debug output)."""
        with self._lock:
            return [(at - since, shown) for at, shown in self._field if at >= since]

    def _wait(
        self,
        drawn: Callable[[], list[tuple[float, Shown]]],
        since: float,
        timeout: float,
        wanted: Callable[[Shown], bool],
    ) -> tuple[float, Shown] | None:
        deadline = time.monotonic() + timeout
        checked = 0
        while True:
            with self._lock:
                found = drawn()
                new, checked = found[checked:], len(found)
            for at, shown in new:
                if at >= since and wanted(shown):
                    return at, shown
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.001)

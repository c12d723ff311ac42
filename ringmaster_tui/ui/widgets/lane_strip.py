"""One line above the lanes naming every lane with its count, the selected one marked:
the whole board at a glance on any terminal, however many lanes scroll off the side."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.widgets import Static

from ringmaster_tui.domain.workflow import Tone

# Between two lanes' entries; the narrow gap where the wide one does not fit.
GAP = "  "
NARROW_GAP = " "
# A name cut to fit keeps at least this many letters.
SHORTEST_NAME = 3


@dataclass(frozen=True)
class StripEntry:
    name: str
    short: str
    """The name where room is short."""
    count: int
    tone: Tone
    current: bool


class LaneStrip(Static):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "strip--current",
        "strip--empty",
        "strip--count",
        *(f"strip--tone-{tone}" for tone in Tone),
    }

    def __init__(self) -> None:
        super().__init__("", id="lane-strip", markup=False)
        self._entries: tuple[StripEntry, ...] = ()
        self._shown: Text | None = None

    def show(self, entries: Sequence[StripEntry]) -> None:
        self._entries = tuple(entries)
        self._redraw()

    def on_resize(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        text = self.render_entries(self._entries, self.content_region.width)
        if text != self._shown:
            self._shown = text
            # One line, full width: its size never changes. A layout of the screen at
            # each new selection or count cost a lane move about 20 ms of its frame.
            self.update(text, layout=False)

    def render_entries(self, entries: Sequence[StripEntry], width: int) -> Text:
        """Every entry on one line: full names if they fit, else a narrower gap, else
        the short names, cut longest first until the line fits."""
        counts = [str(entry.count) for entry in entries]

        def length(names: Sequence[str], gap: str) -> int:
            words = sum(len(n) + 1 + len(c) for n, c in zip(names, counts, strict=True))
            return words + len(gap) * max(len(entries) - 1, 0)

        names = [entry.name for entry in entries]
        gap = GAP
        if length(names, gap) > width:
            gap = NARROW_GAP
        if length(names, gap) > width:
            names = [entry.short or entry.name for entry in entries]
        while width > 0 and length(names, gap) > width:
            longest = max(range(len(names)), key=lambda i: len(names[i]), default=None)
            if longest is None or len(names[longest]) <= SHORTEST_NAME:
                break  # as short as names go: the line is cut at its end
            names[longest] = names[longest][:-1]
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        for index, entry in enumerate(entries):
            if index:
                line.append(gap)
            line.append_text(self._entry_text(entry, names[index]))
        return line

    def _entry_text(self, entry: StripEntry, name: str) -> Text:
        style = self.get_component_rich_style
        if entry.current:
            look = style("strip--current")
        elif not entry.count:
            look = style("strip--empty")
        else:
            look = style(f"strip--tone-{entry.tone}")
        count_look = look if entry.current or not entry.count else style("strip--count")
        return Text.assemble((name, look), (" ", look), (str(entry.count), count_look))

"""Unified diff hunks as plain values a UI renders unified or side by side.

Written here rather than taken from `unidiff`: patches are cut at a size cap, and a cut
hunk must still show what was read (unidiff refuses a hunk shorter than its header says,
so a 50,000-line file in one hunk would show nothing). Lines are split on "\\n" only:
str.splitlines would also split on "\\r", form feeds and Unicode separators inside a line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

_HUNK_HEADER = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)")


class LineKind(StrEnum):
    CONTEXT = " "
    ADDED = "+"
    REMOVED = "-"


@dataclass(frozen=True, slots=True)
class DiffLine:
    kind: LineKind
    text: str
    """The line without its +/-/space prefix and without the newline."""
    old_number: int | None
    """1-based line number in the old file; None for an added line."""
    new_number: int | None
    """1-based line number in the new file; None for a removed line."""
    no_newline_at_end: bool = False


@dataclass(frozen=True, slots=True)
class Hunk:
    old_start: int
    old_count: int
    new_start: int
    new_count: int
    section: str
    """The text git puts after the second @@ (often the enclosing function)."""
    lines: tuple[DiffLine, ...]
    complete: bool
    """False when the patch was cut inside this hunk."""

    @property
    def header(self) -> str:
        return f"@@ -{self.old_start},{self.old_count} +{self.new_start},{self.new_count} @@"


class _HunkBuilder:
    def __init__(self, match: re.Match[str]) -> None:
        self.old_start = int(match[1])
        self.old_count = 1 if match[2] is None else int(match[2])
        self.new_start = int(match[3])
        self.new_count = 1 if match[4] is None else int(match[4])
        self.section = match[5]
        self.old_left = self.old_count
        self.new_left = self.new_count
        # An empty side starts at the line before it ("-0,0"), so count from start.
        self.old_next = self.old_start if self.old_count else self.old_start + 1
        self.new_next = self.new_start if self.new_count else self.new_start + 1
        self.lines: list[DiffLine] = []

    @property
    def expects_more(self) -> bool:
        return self.old_left > 0 or self.new_left > 0

    def add(self, raw: str) -> bool:
        """Take one body line; False when it is not one (the hunk ended early)."""
        # git's diff.suppressBlankEmpty writes an empty context line as "".
        prefix, text = (raw[:1], raw[1:]) if raw else (" ", "")
        if prefix == " " and self.old_left and self.new_left:
            self.lines.append(DiffLine(LineKind.CONTEXT, text, self.old_next, self.new_next))
            self.old_next, self.old_left = self.old_next + 1, self.old_left - 1
            self.new_next, self.new_left = self.new_next + 1, self.new_left - 1
        elif prefix == "-" and self.old_left:
            self.lines.append(DiffLine(LineKind.REMOVED, text, self.old_next, None))
            self.old_next, self.old_left = self.old_next + 1, self.old_left - 1
        elif prefix == "+" and self.new_left:
            self.lines.append(DiffLine(LineKind.ADDED, text, None, self.new_next))
            self.new_next, self.new_left = self.new_next + 1, self.new_left - 1
        else:
            return False
        return True

    def mark_no_newline(self) -> None:
        if self.lines:
            self.lines[-1] = replace(self.lines[-1], no_newline_at_end=True)

    def build(self) -> Hunk:
        return Hunk(
            old_start=self.old_start,
            old_count=self.old_count,
            new_start=self.new_start,
            new_count=self.new_count,
            section=self.section,
            lines=tuple(self.lines),
            complete=not self.expects_more,
        )


def parse_hunks(patch: str | Iterable[str]) -> tuple[Hunk, ...]:
    """The hunks of a unified diff (text, or its lines without newlines).

    Header lines (diff --git, index, ---, +++, rename ...) are skipped; a hunk's own
    counts say where it ends, so a removed line reading "--- x" is never taken for one.
    """
    # The newline ending the text ends the last line; it does not start an empty one.
    lines = patch.removesuffix("\n").split("\n") if isinstance(patch, str) else patch
    hunks: list[Hunk] = []
    current: _HunkBuilder | None = None
    for raw in lines:
        if raw.startswith("\\"):
            # "\ No newline at end of file" belongs to the line just before it.
            if current is not None:
                current.mark_no_newline()
            continue
        if current is not None and current.expects_more and current.add(raw):
            continue
        header = _HUNK_HEADER.match(raw) if raw.startswith("@@ ") else None
        if header is None and current is not None and not current.expects_more:
            continue  # headers between hunks; the finished hunk stays open for a "\"
        if current is not None:
            hunks.append(current.build())
            current = None
        if header is not None:
            current = _HunkBuilder(header)
    if current is not None:
        hunks.append(current.build())
    return tuple(hunks)


@dataclass(frozen=True, slots=True)
class SideBySideRow:
    """One screen row of a split view: the old line left, the new line right."""

    left: DiffLine | None
    right: DiffLine | None

    @property
    def changed(self) -> bool:
        return self.left is None or self.right is None or self.left is not self.right


def side_by_side(hunk: Hunk) -> tuple[SideBySideRow, ...]:
    """Rows pairing each run of removed lines with the added lines that follow it."""
    rows: list[SideBySideRow] = []
    removed: list[DiffLine] = []
    added: list[DiffLine] = []

    def pair_up() -> None:
        for index in range(max(len(removed), len(added))):
            left = removed[index] if index < len(removed) else None
            right = added[index] if index < len(added) else None
            rows.append(SideBySideRow(left, right))
        removed.clear()
        added.clear()

    for line in hunk.lines:
        if line.kind is LineKind.CONTEXT:
            pair_up()
            rows.append(SideBySideRow(line, line))
        elif line.kind is LineKind.REMOVED:
            if added:  # a removal after additions starts a new change block
                pair_up()
            removed.append(line)
        else:
            added.append(line)
    pair_up()
    return tuple(rows)


def side_by_side_hunks(hunks: Sequence[Hunk]) -> tuple[tuple[SideBySideRow, ...], ...]:
    """`side_by_side` for each hunk, in order (a UI draws a separator between them)."""
    return tuple(side_by_side(hunk) for hunk in hunks)

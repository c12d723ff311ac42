"""A file's patch as the rows a diff view draws, unified or side by side.

Pure values, no Textual: rows are built once per file and layout (tens of milliseconds
for the largest patch read), then drawn a screen at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ringmaster_tui.review import DiffLine, FilePatch, Hunk, SideBySideRow, side_by_side
from ringmaster_tui.review.diff import PATCH_MAX_BYTES, PATCH_MAX_LINES

# The header lines worth showing when a file has no hunks (a pure rename, a mode change).
_TOLD_HEADERS = (
    "old mode",
    "new mode",
    "new file mode",
    "deleted file mode",
    "similarity index",
    "rename from",
    "rename to",
    "copy from",
    "copy to",
    "Binary files",
    "Subproject commit",
)


class Layout(StrEnum):
    UNIFIED = "unified"
    SPLIT = "side by side"


@dataclass(frozen=True, slots=True)
class NoteRow:
    """A sentence about the file rather than a line of it."""

    text: str


@dataclass(frozen=True, slots=True)
class HunkRow:
    hunk: Hunk


DiffRow = NoteRow | HunkRow | DiffLine | SideBySideRow


def notes(patch: FilePatch) -> tuple[NoteRow, ...]:
    """What to say when there are no lines to show (or to say that the lines stop)."""
    said: list[NoteRow] = []
    if patch.binary:
        said.append(NoteRow("Binary file: there is no text to show."))
    elif not patch.hunks:
        said.append(NoteRow("No changed lines."))
    if not patch.hunks:
        said.extend(NoteRow(line) for line in patch.header if line.startswith(_TOLD_HEADERS))
    return tuple(said)


def _cut_note(patch: FilePatch) -> tuple[NoteRow, ...]:
    if not patch.truncated:
        return ()
    megabytes = PATCH_MAX_BYTES // (1024 * 1024)
    return (
        NoteRow(
            f"… the diff of this file stops here: it is longer than "
            f"{PATCH_MAX_LINES:,} lines or {megabytes} MB."
        ),
    )


def unified_rows(patch: FilePatch) -> tuple[DiffRow, ...]:
    rows: list[DiffRow] = list(notes(patch))
    for hunk in patch.hunks:
        rows.append(HunkRow(hunk))
        rows.extend(hunk.lines)
    rows.extend(_cut_note(patch))
    return tuple(rows)


def split_rows(patch: FilePatch) -> tuple[DiffRow, ...]:
    rows: list[DiffRow] = list(notes(patch))
    for hunk in patch.hunks:
        rows.append(HunkRow(hunk))
        rows.extend(side_by_side(hunk))
    rows.extend(_cut_note(patch))
    return tuple(rows)


def rows_for(patch: FilePatch, layout: Layout) -> tuple[DiffRow, ...]:
    return unified_rows(patch) if layout is Layout.UNIFIED else split_rows(patch)


def number_width(patch: FilePatch) -> int:
    """Digits of the largest line number in the patch (at least 3, so columns stay put)."""
    largest = max(
        (max(h.old_start + h.old_count, h.new_start + h.new_count) for h in patch.hunks),
        default=0,
    )
    return max(len(str(largest)), 3)


def longest_line(patch: FilePatch) -> int:
    return max((len(line.text) for h in patch.hunks for line in h.lines), default=0)

"""The files a commit changed, with their counts; a cursor picks the one whose diff shows.

Line API like the diff: a commit of thousands of files lists as fast as one of three.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.events import Click
from textual.message import Message

from ringmaster_tui.review import ChangedFile, FileStatus
from ringmaster_tui.ui.safe_text import make_visible
from ringmaster_tui.ui.widgets.lines_view import LinesView

STATUS_LETTERS = {
    FileStatus.ADDED: "A",
    FileStatus.DELETED: "D",
    FileStatus.MODIFIED: "M",
    FileStatus.RENAMED: "R",
    FileStatus.COPIED: "C",
    FileStatus.TYPE_CHANGED: "T",
    FileStatus.UNMERGED: "U",
    FileStatus.UNKNOWN: "?",
}


def counts_of(file: ChangedFile) -> str:
    """'+12 -3', or 'binary'."""
    if file.binary:
        return "binary"
    if file.insertions is None or file.deletions is None:
        return ""
    return f"+{file.insertions} -{file.deletions}"


class FileList(LinesView):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "file-list--cursor",
        "file-list--added",
        "file-list--removed",
        "file-list--status",
    }
    HELP_GROUP: ClassVar[str] = "Files"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Previous file", show=False, id="move.file_up"),
        Binding("down,j", "move(1)", "Next file", show=False, id="move.file_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="move.file_page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="move.file_page_down"),
        Binding("home", "move_to(0)", "First file", show=False, id="move.file_first"),
        Binding("end", "move_to(-1)", "Last file", show=False, id="move.file_last"),
    ]

    class Highlighted(Message):
        """The cursor moved to `index` (of the list's `files`)."""

        def __init__(self, file_list: FileList, index: int) -> None:
            super().__init__()
            self.file_list = file_list
            self.index = index

        @property
        def control(self) -> FileList:
            return self.file_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.files: tuple[ChangedFile, ...] = ()
        self.cursor = 0

    def show_files(self, files: Sequence[ChangedFile]) -> None:
        self.files = tuple(files)
        self.cursor = 0
        self.scroll_to(0, 0, animate=False)
        self.rows_changed()
        if self.files:
            self.post_message(self.Highlighted(self, 0))

    @property
    def current(self) -> ChangedFile | None:
        return self.files[self.cursor] if self.files else None

    # --- moving ---

    def move_to(self, index: int) -> None:
        if not self.files:
            return
        index = min(max(index, 0), len(self.files) - 1)
        if index == self.cursor:
            return
        previous, self.cursor = self.cursor, index
        self._strips.discard(previous)
        self._strips.discard(index)
        self.refresh()
        self.show_row(index)
        self.post_message(self.Highlighted(self, index))

    def action_move(self, step: int) -> None:
        self.move_to(self.cursor + step)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * self.page_rows)

    def action_move_to(self, index: int) -> None:
        self.move_to(index if index >= 0 else len(self.files) - 1)

    def on_click(self, event: Click) -> None:
        row = self.first_visible_row + event.y
        if 0 <= row < len(self.files):
            self.move_to(row)

    # --- drawing ---

    @property
    def row_count(self) -> int:
        return len(self.files)

    def render_row(self, row: int, width: int) -> tuple[Text, Style]:
        file = self.files[row]
        base = self.get_component_rich_style("file-list--cursor") if row == self.cursor else Style()
        counts = counts_of(file)
        letter = STATUS_LETTERS[file.status]
        room = max(width - len(counts) - 3, 1)
        path = make_visible(file.display_path)
        if len(path) > room:  # keep the file's name, the end of its path
            path = "…" + path[len(path) - room + 1 :]
        text = Text(style=base, end="", no_wrap=True)
        text.append(letter, self.get_component_rich_style("file-list--status"))
        text.append(f" {path}")
        text.append(" " * max(width - len(counts) - text.cell_len, 1))
        if file.binary or not counts:
            text.append(counts)
        else:
            added, removed = counts.split(" ")
            text.append(added, self.get_component_rich_style("file-list--added"))
            text.append(" ")
            text.append(removed, self.get_component_rich_style("file-list--removed"))
        return text, base

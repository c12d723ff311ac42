"""A patch as the rows the diff view draws, and the colours of one line of code."""

from __future__ import annotations

from ringmaster_tui.review import (
    ChangedFile,
    DiffLine,
    FilePatch,
    FileStatus,
    SideBySideRow,
    parse_hunks,
)
from ringmaster_tui.ui.diff_rows import (
    HunkRow,
    Layout,
    NoteRow,
    longest_line,
    number_width,
    rows_for,
)
from ringmaster_tui.ui.highlight import PLAIN_LEXER, LineHighlighter, lexer_name_for

FILE = ChangedFile(
    path="a.py",
    old_path=None,
    status=FileStatus.MODIFIED,
    insertions=2,
    deletions=1,
    binary=False,
    old_blob="1" * 40,
    new_blob="2" * 40,
    old_mode="100644",
    new_mode="100644",
)


def patch(
    text: str, *, header: tuple[str, ...] = (), binary: bool = False, cut: bool = False
) -> FilePatch:
    return FilePatch(
        file=FILE,
        text=text,
        header=header,
        hunks=parse_hunks(text),
        binary=binary,
        truncated=cut,
    )


def test_unified_and_split_rows_of_one_hunk() -> None:
    changed = patch("@@ -1,2 +1,3 @@ def f():\n keep\n-old\n+new\n+more\n")
    unified = rows_for(changed, Layout.UNIFIED)
    assert isinstance(unified[0], HunkRow) and unified[0].hunk.section == "def f():"
    assert [r.text for r in unified[1:] if isinstance(r, DiffLine)] == [
        "keep",
        "old",
        "new",
        "more",
    ]
    split = rows_for(changed, Layout.SPLIT)
    pairs = [
        (r.left.text if r.left else None, r.right.text if r.right else None)
        for r in split
        if isinstance(r, SideBySideRow)
    ]
    assert pairs == [("keep", "keep"), ("old", "new"), (None, "more")]
    assert number_width(changed) == 3 and longest_line(changed) == 4


def test_files_without_lines_say_why() -> None:
    binary = patch(
        "", header=("diff --git a/x b/x", "Binary files a/x and b/x differ"), binary=True
    )
    assert [r.text for r in rows_for(binary, Layout.UNIFIED) if isinstance(r, NoteRow)] == [
        "Binary file: there is no text to show.",
        "Binary files a/x and b/x differ",
    ]
    renamed = patch(
        "",
        header=("diff --git a/x b/y", "similarity index 100%", "rename from x", "rename to y"),
    )
    assert [r.text for r in rows_for(renamed, Layout.SPLIT) if isinstance(r, NoteRow)] == [
        "No changed lines.",
        "similarity index 100%",
        "rename from x",
        "rename to y",
    ]


def test_a_cut_patch_ends_with_a_note() -> None:
    cut = patch("@@ -1,9 +1,9 @@\n-a\n+b\n", cut=True)
    last = rows_for(cut, Layout.UNIFIED)[-1]
    assert isinstance(last, NoteRow) and last.text.startswith("… the diff of this file stops here")


def test_a_line_is_coloured_by_its_file_name_without_backgrounds() -> None:
    highlighter = LineHighlighter(lexer_name_for("app/login.py", "import os\n"))
    text = highlighter.highlight("def login(user): return 'x'  # note")
    assert text.plain == "def login(user): return 'x'  # note"
    styles = [span.style for span in text.spans]
    assert styles and all(getattr(s, "bgcolor", None) is None for s in styles)
    assert any(getattr(s, "color", None) is not None for s in styles)


def test_unknown_files_are_plain_text() -> None:
    assert lexer_name_for("NOTES.unknown-extension") == PLAIN_LEXER
    plain = LineHighlighter(PLAIN_LEXER)
    assert not plain.colours
    text = plain.highlight("[b]not markup[/b]")
    assert text.plain == "[b]not markup[/b]" and not text.spans

"""Parsing unified diff hunks, including the awkward cases git produces."""

from __future__ import annotations

import subprocess
import sys

from ringmaster_tui.review import LineKind, parse_hunks, side_by_side, side_by_side_hunks

PATCH = """\
diff --git a/f.txt b/f.txt
index 1111111..2222222 100644
--- a/f.txt
+++ b/f.txt
@@ -1,4 +1,4 @@ def first():
 keep
--- removed line that looks like a header
+++ added line that looks like a header
 keep too
-old last
\\ No newline at end of file
+new last
\\ No newline at end of file
@@ -10 +10,2 @@
-ten
+ten
+eleven
"""


def test_hunks_carry_counts_numbers_and_sections() -> None:
    first, second = parse_hunks(PATCH)
    assert (first.old_start, first.old_count, first.new_start, first.new_count) == (1, 4, 1, 4)
    assert first.section == "def first():" and first.header == "@@ -1,4 +1,4 @@"
    assert [(line.kind, line.text, line.old_number, line.new_number) for line in first.lines] == [
        (LineKind.CONTEXT, "keep", 1, 1),
        (LineKind.REMOVED, "-- removed line that looks like a header", 2, None),
        (LineKind.ADDED, "++ added line that looks like a header", None, 2),
        (LineKind.CONTEXT, "keep too", 3, 3),
        (LineKind.REMOVED, "old last", 4, None),
        (LineKind.ADDED, "new last", None, 4),
    ]
    assert [line.no_newline_at_end for line in first.lines][-2:] == [True, True]
    assert (second.old_count, second.new_count) == (1, 2)  # "-10" means one line
    assert [line.new_number for line in second.lines] == [None, 10, 11]
    assert first.complete and second.complete


def test_a_cut_hunk_keeps_what_was_read() -> None:
    cut = PATCH[: PATCH.index("+new last")]
    first, *_ = parse_hunks(cut)
    assert not first.complete
    assert first.lines[-1].text == "old last"


def test_an_added_file_counts_from_line_one() -> None:
    (hunk,) = parse_hunks("@@ -0,0 +1,2 @@\n+a\n+b\n")
    assert [(line.old_number, line.new_number) for line in hunk.lines] == [(None, 1), (None, 2)]
    (deleted,) = parse_hunks("@@ -1,2 +0,0 @@\n-a\n-b\n")
    assert [(line.old_number, line.new_number) for line in deleted.lines] == [(1, None), (2, None)]


def test_text_with_carriage_returns_stays_on_one_line() -> None:
    (hunk,) = parse_hunks("@@ -1 +1 @@\n-a\rb\n+a\u2028b\x0cc\n")
    assert [line.text for line in hunk.lines] == ["a\rb", "a\u2028b\x0cc"]


def test_an_empty_context_line_is_a_blank_line() -> None:
    # What git writes with diff.suppressBlankEmpty=true.
    (hunk,) = parse_hunks("@@ -1,3 +1,3 @@\n a\n\n-b\n+c\n")
    assert [(line.kind, line.text) for line in hunk.lines] == [
        (LineKind.CONTEXT, "a"),
        (LineKind.CONTEXT, ""),
        (LineKind.REMOVED, "b"),
        (LineKind.ADDED, "c"),
    ]


def test_side_by_side_pairs_removals_with_the_additions_after_them() -> None:
    (hunk,) = parse_hunks("@@ -1,5 +1,5 @@\n ctx\n-a\n-b\n+A\n+B\n+C\n ctx2\n-z\n")
    rows = side_by_side(hunk)
    pairs = [(r.left.text if r.left else None, r.right.text if r.right else None) for r in rows]
    assert pairs == [
        ("ctx", "ctx"),
        ("a", "A"),
        ("b", "B"),
        (None, "C"),
        ("ctx2", "ctx2"),
        ("z", None),
    ]
    assert [r.changed for r in rows] == [False, True, True, True, False, True]
    assert side_by_side_hunks([hunk, hunk]) == (rows, rows)


def test_no_hunks_in_a_binary_or_empty_patch() -> None:
    assert parse_hunks("") == ()
    assert parse_hunks("diff --git a/x b/x\nBinary files a/x and b/x differ\n") == ()


def test_the_review_package_imports_no_ui_and_no_database() -> None:
    code = (
        "import sys, ringmaster_tui.review\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'sqlalchemy'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr

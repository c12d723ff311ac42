"""Searching and paging a big attempt output."""

from __future__ import annotations

import time

import pytest

from ringmaster_tui.review import OutputIndex, next_match, previous_match


def test_lines_end_at_newlines_only() -> None:
    index = OutputIndex("first\r\nsecond\rstill second\x0cand\u2028this\nlast")
    assert index.line_count == 3
    assert index.window(0, 10) == ("first", "second\rstill second\x0cand\u2028this", "last")


def test_a_final_newline_starts_no_extra_line() -> None:
    assert OutputIndex("").line_count == 0
    assert OutputIndex("a\n").window(0, 5) == ("a",)
    assert OutputIndex("a\n\n").window(0, 5) == ("a", "")
    assert OutputIndex("\n").window(0, 5) == ("",)


def test_windows_are_clamped_and_lines_checked() -> None:
    index = OutputIndex("zero\none\ntwo\n")
    assert index.window(-5, 2) == ("zero", "one")
    assert index.window(2, 99) == ("two",)
    assert index.window(3, 9) == ()
    assert index.line(1) == "one"
    with pytest.raises(IndexError):
        index.line(3)
    with pytest.raises(IndexError):
        index.line(-1)


def test_search_ignores_case_and_counts_a_line_once() -> None:
    index = OutputIndex("Error here\nnothing\nerror ERROR error\n[markup] ERR\nfinal error")
    assert index.search("error") == (0, 2, 4)
    assert index.search("[MARKUP]") == (3,)
    assert index.search("absent") == ()
    assert index.search("") == ()
    assert index.search("here\nnothing") == ()  # a match never spans lines


def test_search_when_lowering_changes_lengths() -> None:
    # "İ" lowers to two characters; offsets must still land on the right lines.
    index = OutputIndex("İstanbul\nplain\nİİ and TARGET\ntarget")
    assert index.search("target") == (2, 3)
    assert index.search("İSTANBUL") == (0,)


def test_next_and_previous_wrap_around() -> None:
    matches = (3, 10, 42)
    assert next_match(matches, 0) == 3
    assert next_match(matches, 3) == 10
    assert next_match(matches, 42) == 3
    assert next_match(matches, 42, wrap=False) is None
    assert previous_match(matches, 10) == 3
    assert previous_match(matches, 3) == 42
    assert previous_match(matches, 3, wrap=False) is None
    assert next_match((), 0) is None and previous_match((), 0) is None


def test_a_20_mb_output_is_searched_and_paged_quickly() -> None:
    lines = [
        f"[{n:07d}] step {n % 97} compiled module_{n % 1013}.py"
        + (" Traceback: KeyError" if n % 4999 == 0 else "")
        for n in range(500_000)
    ]
    text = "\n".join(lines) + "\n"
    assert len(text) > 20_000_000

    started = time.perf_counter()
    index = OutputIndex(text)
    found = index.search("traceback: keyerror")
    window = index.window(250_000, 250_040)
    elapsed = time.perf_counter() - started

    assert index.line_count == len(lines)
    assert found == tuple(range(0, len(lines), 4999))
    assert window == tuple(lines[250_000:250_040])
    assert index.line(len(lines) - 1) == lines[-1]
    assert next_match(found, 250_000) == 254_949
    assert previous_match(found, 250_000) == 249_950
    assert elapsed < 5, f"indexing and searching 20 MB took {elapsed:.2f} s"

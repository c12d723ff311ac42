"""safe_text: untrusted strings become Text shown literally, with no live control codes."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from ringmaster_tui.ui.safe_text import make_visible, safe_text

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_markup_is_kept_as_typed() -> None:
    for value in ("[b]x[/b]", "[/foo]", "[red", "[link=http://x]y[/link]", ":smile:"):
        text = safe_text(value)
        assert text.plain == value
        assert text.spans == []


def test_escape_sequences_become_visible() -> None:
    assert make_visible("\x1b]2;pwned\x07") == "␛]2;pwned␇"
    assert make_visible("\x1b[31mred\x1b[0m") == "␛[31mred␛[0m"
    assert make_visible("a\x00b\x7fc") == "a␀b␡c"
    assert make_visible("csi\x9b31m") == "csi\\x9b31m"


def test_bidi_controls_become_visible() -> None:
    assert make_visible("admin\u202e\u2066txt") == "admin\\u202e\\u2066txt"


def test_newlines_are_the_callers_choice() -> None:
    value = "one\r\ntwo\rthree\nfour\u2028five"
    assert make_visible(value, "keep") == "one\ntwo\nthree\nfour\nfive"
    assert make_visible(value, "symbol") == "one↵two↵three↵four↵five"
    assert make_visible("a\tb") == "a    b"


def test_nothing_in_nothing_out() -> None:
    assert make_visible(None) == ""
    assert safe_text(None).plain == ""


@given(st.text())
def test_no_control_character_survives(value: str) -> None:
    for newlines in ("keep", "symbol"):
        shown = safe_text(value, newlines=newlines).plain
        allowed = {"\n"} if newlines == "keep" else set()
        assert not [
            ch for ch in shown if ch not in allowed and unicodedata.category(ch) in ("Cc", "Cs")
        ]
        assert not set(shown) & set(BIDI)

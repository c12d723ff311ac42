"""Terminal notifications: nothing from the database ends the sequence or starts another."""

from __future__ import annotations

import re

import pytest

from ringmaster_tui.notify.terminal import BODY_CHARS, clean, notification

CONTROLS = "".join(chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0)))
HOSTILE = [
    "done\x07\x1b]52;c;aGk=\x07",  # BEL ends it, then a clipboard write
    "done\x1b\\\x1b]0;title\x1b\\",  # ST (ESC \\) ends it, then a retitle
    "done\x9c\x9d0;title\x9c",  # the same in 8-bit C1 bytes
    "4;3;50",  # OSC 9;4 is a progress bar in ConEmu and Windows Terminal
    "line one\nline two\r\n\u2028three",
    "a;b;c",  # OSC 777's separator
    "\u202eevil\u2066",
    "x" * 10_000,
    CONTROLS,
]
ONE_SEQUENCE = {
    "osc9": re.compile(r"\x1b\]9;ringmaster-tui: ([^\x00-\x1f\x7f-\x9f]*)\x07"),
    "osc777": re.compile(
        r"\x1b\]777;notify;ringmaster-tui: ([^;\x00-\x1f\x7f-\x9f]*);([^;\x00-\x1f\x7f-\x9f]*)\x07"
    ),
}


@pytest.mark.parametrize("style", ["osc9", "osc777"])
@pytest.mark.parametrize("text", HOSTILE)
def test_one_sequence_whatever_the_text(style: str, text: str) -> None:
    sequence = notification(f"Decision {text}", text, style)  # type: ignore[arg-type]
    assert ONE_SEQUENCE[style].fullmatch(sequence), repr(sequence)
    assert sequence.count("\x1b") == 1 and sequence.count("\x07") == 1
    assert len(sequence) < 400


def test_what_was_hidden_is_shown_instead() -> None:
    assert clean("ok\x1b]2;x\x07\nnext", 100) == "ok␛]2,x␇↵next"
    assert clean("\x9b31m", 100) == "\\x9b31m"


def test_osc9_text_never_starts_with_a_number_and_a_semicolon() -> None:
    sequence = notification("4;3;50", "4;3;50", "osc9")
    assert sequence.startswith("\x1b]9;ringmaster-tui: ")


def test_long_text_is_cut() -> None:
    assert len(clean("y" * 1000, BODY_CHARS)) == BODY_CHARS
    assert clean("y" * 1000, BODY_CHARS).endswith("…")

"""Untrusted text (titles, messages, outputs from the database) made safe to show.

Two dangers: markup (`[b]x[/b]` would be parsed by Static, DataTable cells, Tree labels,
notifications, the command palette) and control characters (Rich keeps ESC and Textual
writes it through, so an OSC sequence in a title would retitle the terminal or write the
clipboard). Everything here returns text that is never parsed as markup and in which
every control character has been replaced by a visible stand-in.
"""

from __future__ import annotations

import re
from typing import Literal

from rich.style import Style
from rich.text import Text

Newlines = Literal["keep", "symbol"]
"""What to do with line breaks: keep them (multi-line text) or show them as ↵ (one line)."""

NEWLINE_SYMBOL = "↵"
TAB_SPACES = "    "

# C0 controls (and DEL) as the Unicode "control pictures": ESC -> ␛, NUL -> ␀, BEL -> ␇.
_C0_PICTURES: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20)}
_C0_PICTURES[0x7F] = "\u2421"  # ␡
# C1 controls have no pictures; `\x9b` spelled out is unambiguous.
_C1_ESCAPES: dict[int, str] = {code: f"\\x{code:02x}" for code in range(0x80, 0xA0)}
# Bidirectional overrides, isolates and marks reorder what is around them (Trojan Source).
_BIDI_CONTROLS = (
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
    0x200E,
    0x200F,
    0x061C,
)
_BIDI_ESCAPES: dict[int, str] = {code: f"\\u{code:04x}" for code in _BIDI_CONTROLS}

_VISIBLE: dict[int, str] = {**_C0_PICTURES, **_C1_ESCAPES, **_BIDI_ESCAPES}
_VISIBLE[ord("\t")] = TAB_SPACES
_VISIBLE_KEEPING_LINES: dict[int, str] = {**_VISIBLE, ord("\n"): "\n"}

# Line breaks in any spelling; a lone CR would move the cursor back, so it is one too.
_LINE_BREAK = re.compile("\r\n|[\r\n\u2028\u2029]")
# Lone surrogates cannot be encoded for the terminal.
_SURROGATE = re.compile("[\ud800-\udfff]")


def make_visible(value: str | None, newlines: Newlines = "symbol") -> str:
    """`value` with every control character replaced by a visible stand-in.

    The result is still a plain string: give it to widgets as `Text`/`Content`, or with
    `markup=False`, never as markup.
    """
    if not value:
        return ""
    text = _LINE_BREAK.sub("\n" if newlines == "keep" else NEWLINE_SYMBOL, value)
    text = text.translate(_VISIBLE_KEEPING_LINES if newlines == "keep" else _VISIBLE)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def safe_text(
    value: str | None,
    *,
    newlines: Newlines = "symbol",
    style: str | Style = "",
    one_line: bool = False,
) -> Text:
    """A `rich.text.Text` showing `value` literally: no markup, no live control codes.

    `one_line` cuts the text with an ellipsis at the width it is given instead of wrapping.
    """
    return Text(
        make_visible(value, newlines),
        style=style,
        no_wrap=one_line,
        overflow="ellipsis" if one_line else "fold",
        end="",
    )

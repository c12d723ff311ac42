"""Syntax colours for a diff, one line at a time, from a Pygments lexer picked by file name.

A line is highlighted alone (a string spanning lines is coloured line by line as the
lexer sees it), which keeps the cost to the lines on screen. The theme's background is
dropped (the diff's own backgrounds show through) and so is the colour of plain text
(the terminal's own foreground reads on any theme).
"""

from __future__ import annotations

from typing import Any

from rich.style import Style
from rich.syntax import Syntax
from rich.text import Text

PLAIN_LEXER = "default"
SAMPLE_LINES = 50
"""How many lines of a file help pick its lexer (e.g. a `.h` file, C or C++)."""
DARK_THEME = "monokai"
LIGHT_THEME = "default"


def lexer_name_for(path: str, sample: str = "") -> str:
    """The Pygments lexer's name for `path`, or PLAIN_LEXER.

    The first call loads Pygments' tables (a tenth of a second): call it from a worker.
    """
    try:
        return Syntax.guess_lexer(path, sample or None)
    except Exception:  # a lexer's own text analysis failing must not lose the diff
        return PLAIN_LEXER


class LineHighlighter:
    """Colours single lines of code; plain text when there is no lexer."""

    def __init__(self, lexer_name: str, *, dark: bool = True) -> None:
        self._lexer: Any = None if lexer_name == PLAIN_LEXER else Syntax("", lexer_name).lexer
        self._theme = Syntax.get_theme(DARK_THEME if dark else LIGHT_THEME)
        self._styles: dict[Any, Style] = {}

    @property
    def colours(self) -> bool:
        return self._lexer is not None

    def highlight(self, code: str) -> Text:
        """`code` (one line, already made safe to show) as coloured text."""
        text = Text(end="", no_wrap=True)
        if self._lexer is None or not code:
            text.append(code)
            return text
        try:
            for token_type, token in self._lexer.get_tokens(code):
                text.append(token, self._style(token_type))
        except Exception:  # a lexer bug on odd input: show the line uncoloured
            return Text(code, end="", no_wrap=True)
        if text.plain.endswith("\n"):  # the lexer ends its input with a newline
            text.right_crop(1)
        return text

    def _style(self, token_type: Any) -> Style:
        style = self._styles.get(token_type)
        if style is None:
            themed = self._theme.get_style_for_token(token_type)
            plain = token_type in _PLAIN_TOKENS
            style = Style(
                color=None if plain else themed.color,
                bold=themed.bold,
                italic=themed.italic,
                underline=themed.underline,
            )
            self._styles[token_type] = style
        return style


def _plain_tokens() -> frozenset[Any]:
    from pygments import token  # type: ignore[import-untyped]  # rich depends on Pygments

    return frozenset((token.Text, token.Whitespace, token.Text.Whitespace, token.Token))


_PLAIN_TOKENS = _plain_tokens()

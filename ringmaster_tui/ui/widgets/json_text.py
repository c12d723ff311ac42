"""A JSON column shown for reading: indented and highlighted, or as stored when it does not
parse (with a note saying so). Never a crash, never live markup or control codes."""

from __future__ import annotations

from rich.console import RenderableType
from rich.syntax import Syntax
from rich.text import Text

from ringmaster_tui.ui.formatting import pretty_json
from ringmaster_tui.ui.safe_text import make_visible, safe_text

NOT_JSON_NOTE = "not valid JSON; shown as stored"


def json_renderable(raw: str | None, *, none: str = "none") -> RenderableType:
    if raw is None or not raw.strip():
        return Text(none, style="dim")
    text, parsed = pretty_json(raw)
    if not parsed:
        shown = Text(f"{NOT_JSON_NOTE}\n", style="italic dim", end="")
        shown.append_text(safe_text(text, newlines="keep", style="not italic not dim"))
        return shown
    return Syntax(
        make_visible(text, newlines="keep"),
        "json",
        theme="ansi_dark",
        word_wrap=True,
    )

"""A JSON column shown for reading: indented and highlighted, or as stored when it does not
parse (with a note saying so). Never a crash, never live markup or control codes."""

from __future__ import annotations

import json

from rich.console import RenderableType
from rich.text import Text

from ringmaster_tui.domain.values import JsonText
from ringmaster_tui.ui.safe_text import make_visible, safe_text

NOT_JSON_NOTE = "not valid JSON; shown as stored"


def json_renderable(data: JsonText | None, *, none: str = "none") -> RenderableType:
    if data is None:
        return Text(none, style="dim")
    if data.broken is not None:
        shown = Text(f"{NOT_JSON_NOTE}\n", style="italic dim", end="")
        shown.append_text(safe_text(data.broken, newlines="keep", style="not italic not dim"))
        return shown
    # Imported when first shown: Rich's highlighter is not on the first screen.
    from rich.syntax import Syntax

    text = json.dumps(data.value, indent=2, ensure_ascii=False)
    return Syntax(
        make_visible(text, newlines="keep"),
        "json",
        theme="ansi_dark",
        word_wrap=True,
    )

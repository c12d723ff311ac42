"""Terminal notifications (OSC 9, OSC 777) whose text cannot break out of the sequence.

An OSC sequence ends at BEL or ST (ESC \\, or the C1 byte 0x9c) and another starts at ESC
or the C1 byte 0x9d; a notification's text from the database may hold any of them. All
control characters (C0, DEL, C1) are replaced by visible stand-ins (ui/safe_text.py), line
breaks by ↵, and the separators the terminals split on (";") by ",". The text is cut
short, and begins with a fixed word: OSC 9 text starting "4;" would set a progress bar in
some terminals (ConEmu, Windows Terminal) instead of notifying.
"""

from __future__ import annotations

from ringmaster_tui.notify.choices import Style
from ringmaster_tui.ui.safe_text import make_visible

OSC = "\x1b]"
BEL = "\x07"
# Desktop notifications show a line or two; the rest is in the dashboard.
TITLE_CHARS = 60
BODY_CHARS = 200
APP_NAME = "ringmaster-tui"


def clean(text: str, limit: int) -> str:
    """`text` with nothing in it that a terminal reads as part of a control sequence."""
    visible = make_visible(text).replace(";", ",")
    # make_visible leaves no C0, DEL or C1 character; checked here, as the terminal's
    # safety depends on it and not on that module staying as it is.
    visible = "".join(c for c in visible if c.isprintable() or c == " ")
    return visible if len(visible) <= limit else visible[: limit - 1] + "…"


def notification(title: str, body: str, style: Style = "osc9") -> str:
    """The whole escape sequence to write to the terminal."""
    safe_title = clean(title, TITLE_CHARS)
    safe_body = clean(body, BODY_CHARS)
    if style == "osc777":
        return f"{OSC}777;notify;{APP_NAME}: {safe_title};{safe_body}{BEL}"
    return f"{OSC}9;{APP_NAME}: {safe_title}: {safe_body}{BEL}"

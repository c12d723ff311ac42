"""The real dashboard on a pseudo-terminal with --notify-terminal: a decision written by
another process arrives as one OSC 9 notification, and nothing of its hostile summary
reaches the terminal as a live escape sequence, in the notification or elsewhere."""

from __future__ import annotations

import re
import time
from pathlib import Path

from tests.builders import DbBuilder
from tests.hardening.pty_session import TerminalSession
from tests.notify.helpers import Script, new_decision, wait_until

HOSTILE = "Deploy\x1b]0;retitled\x07 now\x1b]52;c;aGk=\x1b\\ or\x9d0;x\x9c later?"
OSC9 = re.compile(r"\x1b\]9;([^\x07]*)\x07")


def test_a_new_decision_is_one_safe_osc9_notification(
    tmp_path: Path, recorder: Script, state_home: Path
) -> None:
    db = tmp_path / "loops.db"
    b = DbBuilder(db)
    b.card(b.project("alpha"), "Implement login", "coding")
    b.close()
    args = ("--notify-terminal", "--notify-command", recorder.command, "--no-bell")
    with TerminalSession(db, *args, size=(100, 30)) as session:
        session.wait_for("Implement login")
        new_decision(db, "decision-1", HOSTILE)
        wait_until(lambda: len(recorder.records()) == 1)
        session.wait_for("New decision")  # the app's own notification, drawn safely
        deadline = time.monotonic() + 30
        while not OSC9.search(session.raw) and time.monotonic() < deadline:
            session._read(0.05)  # what the terminal was sent, escape sequences and all
        assert session.quit() == 0
    raw = session.raw
    (text,) = OSC9.findall(raw)
    assert text.startswith("ringmaster-tui: Decision needed: Deploy␛]0,retitled␇ now␛]52,c,aGk=")
    assert not any(c in text for c in "\x1b\x9b\x9c\x9d")
    for live in ("\x1b]0;retitled", "\x1b]52;", "\x9d0;x"):
        assert live not in raw
    assert recorder.payloads()[0]["summary"] == HOSTILE

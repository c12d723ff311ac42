"""The dashboard with notifications on: its notify command runs off the UI thread, once
per item across restarts; terminal notifications only for what arrives while it runs,
their text made safe; a failing or hanging command never stops the dashboard."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from textual.message import Message

from ringmaster_tui.ui.app import RingmasterApp
from ringmaster_tui.ui.messages import TerminalNotifications
from ringmaster_tui.ui.widgets.decisions_view import DecisionsView
from tests.builders import DbBuilder
from tests.notify.helpers import Script, new_decision, process_gone, wait_until
from tests.ui.helpers import Notes, loaded, until
from tests.ui.snap_apps import make_app

pytestmark = pytest.mark.anyio

SIZE = (100, 30)
# Generous: the notify command is a real process on a shared machine.
WITHIN = 20.0
HOSTILE = "Ship \x1b]2;pwned\x07 it?\n$(rm -rf ~) `id` 'q' \"qq\" \x9b2J"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    b = DbBuilder(tmp_path / "loops.db")
    b.card(b.project("alpha"), "Implement login", "coding")
    b.decision("Already waiting", ["a", "b"], id="decision-old")
    b.close()
    return tmp_path / "loops.db"


class Sequences:
    """The terminal notifications the app wrote (recorded from its messages)."""

    def __init__(self, notes: Notes) -> None:
        self.notes = notes
        self.written: list[str] = []

    def hook(self, message: Message) -> None:
        self.notes.hook(message)
        if isinstance(message, TerminalNotifications):
            self.written.extend(message.sequences)


def notifying_app(db: Path, command: str, **settings: Any) -> RingmasterApp:
    return make_app(db, live=True, notify_command=command, **settings)


async def in_another_process(db: Path, decision_id: str, summary: str) -> None:
    await asyncio.to_thread(new_decision, db, decision_id, summary)


async def test_each_decision_notified_once_and_new_ones_on_the_terminal(
    db: Path, recorder: Script, state_home: Path, notes: Notes
) -> None:
    seen = Sequences(notes)
    app = notifying_app(db, recorder.command, notify_terminal="osc9")
    async with app.run_test(size=SIZE, message_hook=seen.hook) as pilot:
        await loaded(pilot)
        await until(pilot, lambda: len(recorder.records()) == 1, WITHIN)
        await in_another_process(db, "decision-new", HOSTILE)
        await until(pilot, lambda: len(recorder.records()) == 2, WITHIN)
        await until(pilot, lambda: len(seen.written) == 1, WITHIN)
    assert [p["id"] for p in recorder.payloads()] == ["decision-old", "decision-new"]
    assert recorder.payloads()[1]["summary"] == HOSTILE
    # What was there at the start is on screen already: the terminal hears of the new one.
    (sequence,) = seen.written
    assert sequence.startswith("\x1b]9;ringmaster-tui: Decision needed: Ship ␛]2,pwned␇ it?↵")
    assert sequence.count("\x1b") == 1 and sequence.endswith(
        "$(rm -rf ~) `id` 'q' \"qq\" \\x9b2J\x07"
    )

    # A restart: the two are not notified again, a third is.
    again = notifying_app(db, recorder.command)
    async with again.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await in_another_process(db, "decision-third", "Third")
        await until(pilot, lambda: len(recorder.records()) == 3, WITHIN)
    assert [p["id"] for p in recorder.payloads()][2:] == ["decision-third"]


async def test_a_failing_command_is_shown_once(
    db: Path, failing: Script, state_home: Path, notes: Notes
) -> None:
    async with notifying_app(db, failing.command).run_test(
        size=SIZE, message_hook=notes.hook
    ) as pilot:
        await loaded(pilot)
        await in_another_process(db, "decision-2", "Second")
        await until(pilot, lambda: len(failing.records()) == 2, WITHIN)
        await pilot.pause()
    failed = [m for m in notes.messages if "the notify command failed" in m]
    assert failed == ["the notify command failed: python failed (exit status 3): webhook said 503"]


async def test_a_hanging_command_holds_nothing_and_is_killed_on_quit(
    db: Path, hanging: Script, state_home: Path
) -> None:
    app = notifying_app(db, hanging.command, notify_timeout=600)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await until(pilot, lambda: len(hanging.lines()) == 1, WITHIN)
        await pilot.press("4")  # the dashboard answers keys while the command hangs
        await until(pilot, lambda: isinstance(app.dashboard.current_view, DecisionsView))
    pids = [int(pid) for pid in hanging.lines()[0].split()]
    wait_until(lambda: all(process_gone(pid) for pid in pids))


async def test_a_command_that_cannot_be_split_is_said_and_the_dashboard_runs(
    db: Path, state_home: Path, notes: Notes
) -> None:
    app = notifying_app(db, "notify 'unclosed")
    async with app.run_test(size=SIZE, message_hook=notes.hook) as pilot:
        await loaded(pilot)
    assert any("no notifications: --notify-command" in m for m in notes.messages)

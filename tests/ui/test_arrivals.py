"""A new critical alert or decision raises a notification and rings the terminal bell;
`--no-bell` keeps the notification and silences the bell. What was there at start-up is
not announced."""

from __future__ import annotations

from pathlib import Path

import pytest

from ringmaster_tui.cli import _command_parsers, _open_parser
from ringmaster_tui.commands import settings_from
from ringmaster_tui.config import Settings
from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.ui.app import RingmasterApp
from tests.builders import NOW, DbBuilder, ago
from tests.ui.helpers import Notes, loaded
from tests.ui.view_data import reloaded

pytestmark = pytest.mark.anyio
SIZE = (80, 24)


class BellCountingApp(RingmasterApp):
    """The app, counting the bells it rings instead of writing them to a terminal."""

    bells = 0

    def bell(self) -> None:
        self.bells += 1


def make(db: Path, *, bell: bool) -> BellCountingApp:
    source = open_source(db, user="ann")
    settings = Settings(db=str(db), user="ann", bell=bell)
    return BellCountingApp(source, settings, clock=lambda: NOW, animate=False, live=False)


def add_urgent(db: Path) -> None:
    """Another process records a critical alert, a warning and a decision."""
    b = DbBuilder(db)
    b.alert("Budget exhausted on [b]beta[/b]", "critical", id="new-1", created_at=ago(seconds=5))
    b.alert("Slow runner", "warning", id="new-2", created_at=ago(seconds=5))
    b.decision("Deploy now?", ["yes", "no"], id="new-3", requested_at=ago(seconds=5))
    b.close()


@pytest.mark.parametrize("bell", [True, False], ids=["bell", "no-bell"])
async def test_new_critical_alert_and_decision_are_announced(
    board_db: Path, notes: Notes, bell: bool
) -> None:
    app = make(board_db, bell=bell)
    async with app.run_test(size=SIZE, message_hook=notes.hook) as pilot:
        await loaded(pilot)
        assert notes.messages == []  # what was there already is not news
        add_urgent(board_db)
        await reloaded(pilot, lambda: len(notes.messages) == 2)

        assert notes.messages == ["Budget exhausted on [b]beta[/b]", "Deploy now?"]
        assert app.bells == (1 if bell else 0)
        # The next reload finds nothing new.
        await reloaded(pilot, lambda: app.snapshot is not None)
        assert len(notes.messages) == 2


def test_no_bell_flag_on_open_and_demo() -> None:
    assert settings_from(_open_parser().parse_args(["x.db"])).bell is True
    assert settings_from(_open_parser().parse_args(["x.db", "--no-bell"])).bell is False
    demo = _command_parsers()["demo"].parse_args(["--no-bell"])
    assert settings_from(demo).bell is False

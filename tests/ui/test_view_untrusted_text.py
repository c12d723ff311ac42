"""Text from the database is shown as typed in the loops, errors, decisions and alerts
views and their dialogs: no markup parsed, no escape sequence reaches the terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ringmaster_tui.ui.screens.decision_dialog import DecisionScreen
from ringmaster_tui.ui.screens.error_detail import ErrorDetailScreen
from tests.builders import DbBuilder
from tests.ui.helpers import loaded, screen_text, terminal_output, until, view_read
from tests.ui.snap_apps import make_app
from tests.ui.test_untrusted_text import MARKUP, OSC_TITLE, SHOWN_OSC, assert_no_live_escape
from tests.ui.view_data import VIEW_KEYS

pytestmark = pytest.mark.anyio
SIZE = (120, 40)


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    db = tmp_path / "hostile.db"
    b = DbBuilder(db)
    project = b.project(f"{MARKUP} proj")
    card = b.card(project, f"{OSC_TITLE} loop", "coding", loop_iteration=2)
    b.attempt(card, 1, "failed", cost_usd=0.5)
    b.error(
        card,
        f"{MARKUP} {OSC_TITLE} failed",
        error_type="Boom\x1b[2J",
        stack_trace=f"line 1\n{OSC_TITLE}\n\x9b31m",
        context=json.dumps({"k": OSC_TITLE, MARKUP: "\x1b]52;c;aGk=\x07"}),
    )
    b.decision(
        f"{OSC_TITLE} {MARKUP}?",
        [OSC_TITLE, MARKUP],
        default_option=MARKUP,
        requested_by="\x1b[2Jbot",
        context=f"[raw {OSC_TITLE}",
        card_id=card,
    )
    b.alert(f"{MARKUP} {OSC_TITLE} alarm", "critical", source=OSC_TITLE, card_id=card)
    b.close()
    return db


@pytest.mark.parametrize("name", VIEW_KEYS)
async def test_views_show_database_text_literally(hostile_db: Path, name: str) -> None:
    async with make_app(hostile_db).run_test(size=SIZE) as pilot:
        app = await loaded(pilot)
        await pilot.press(VIEW_KEYS[name])
        await until(pilot, lambda: view_read(app, name))
        text = await screen_text(pilot)
        output = terminal_output(app)

    assert SHOWN_OSC in text
    if name != "loops":
        assert MARKUP in text
    assert_no_live_escape(output)


async def test_dialogs_show_database_text_literally(hostile_db: Path) -> None:
    async with make_app(hostile_db).run_test(size=SIZE) as pilot:
        app = await loaded(pilot)
        await pilot.press("3")
        await until(pilot, lambda: view_read(app, "errors"))
        await pilot.press("enter")
        await until(
            pilot,
            lambda: isinstance(app.screen, ErrorDetailScreen) and app.screen.detail is not None,
        )
        error_text = await screen_text(pilot)
        error_output = terminal_output(app)
        await pilot.press("escape", "4")
        await until(pilot, lambda: view_read(app, "decisions"))
        await pilot.press("enter")
        await until(
            pilot, lambda: isinstance(app.screen, DecisionScreen) and app.screen.detail is not None
        )
        await pilot.press("d")
        decision_text = await screen_text(pilot)
        decision_output = terminal_output(app)

    assert SHOWN_OSC in error_text and MARKUP in error_text
    assert_no_live_escape(error_output)
    assert SHOWN_OSC in decision_text and f"Your choice: {MARKUP}" in decision_text
    assert_no_live_escape(decision_output)

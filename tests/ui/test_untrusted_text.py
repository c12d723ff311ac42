"""Text from the database is shown as typed: no markup parsed, no escape sequence reaches
the terminal, on the board, in the card detail, in notifications and in the palette."""

from __future__ import annotations

from pathlib import Path

import pytest

from ringmaster_tui.ui.screens.card_detail import CardDetailScreen
from tests.builders import DbBuilder
from tests.ui.helpers import (
    Notes,
    board,
    card_id,
    loaded,
    screen_text,
    settle,
    terminal_output,
    until,
)
from tests.ui.snap_apps import make_app

pytestmark = pytest.mark.anyio

MARKUP = "[b]x[/b]"
OSC_TITLE = "\x1b]2;pwned\x07"
SHOWN_OSC = "␛]2;pwned␇"


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    db = tmp_path / "hostile.db"
    b = DbBuilder(db)
    project = b.project("[red]proj")
    b.card(project, MARKUP, priority=9, description="[/foo] unclosed [ and \x1b[31mred")
    escape = b.card(project, OSC_TITLE, priority=8, description="clip \x1b]52;c;aGk=\x07 board")
    b.error(escape, "Traceback [bold]boom[/] \x1b[2J cleared?")
    b.close()
    return db


def assert_no_live_escape(output: str) -> None:
    """The only escape sequences written are Textual's own styling (CSI ... m/H)."""
    assert "\x1b]" not in output  # no OSC: title, clipboard, hyperlinks
    assert "\x07" not in output
    assert "\x1b[2J" not in output
    assert "\x9b" not in output


async def test_board_shows_titles_literally(hostile_db: Path) -> None:
    async with make_app(hostile_db).run_test(size=(100, 30)) as pilot:
        app = await loaded(pilot)
        text = await screen_text(pilot)
        output = terminal_output(app)

    assert MARKUP in text
    assert SHOWN_OSC in text
    assert_no_live_escape(output)


async def test_card_detail_shows_texts_literally(hostile_db: Path) -> None:
    async with make_app(hostile_db).run_test(size=(120, 40)) as pilot:
        app = await loaded(pilot)
        for title, shown in ((OSC_TITLE, "clip ␛]52;c;aGk=␇ board"), (MARKUP, "[/foo] unclosed [")):
            assert board(app).select_card(card_id(hostile_db, title))
            await pilot.press("enter")
            await until(
                pilot,
                lambda: isinstance(app.screen, CardDetailScreen) and app.screen.detail is not None,
            )
            text = await screen_text(pilot)
            assert shown in text
            assert_no_live_escape(terminal_output(app))
            await pilot.press("escape")
            await pilot.pause()

    assert "Traceback [bold]boom[/] ␛[2J cleared?" in text or "[red]proj" in text


async def test_notifications_show_titles_literally(hostile_db: Path, notes: Notes) -> None:
    async with make_app(hostile_db).run_test(
        size=(100, 30), message_hook=notes.hook, notifications=True
    ) as pilot:
        app = await loaded(pilot)
        assert board(app).select_card(card_id(hostile_db, OSC_TITLE))
        await pilot.press("a")
        await settle(pilot)
        output = terminal_output(app)

    assert SHOWN_OSC in notes.last
    assert "draft → planning" in notes.last
    assert_no_live_escape(output)

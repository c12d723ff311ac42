"""A paste is text for a field, never keys: it reaches the field with its control characters
and escape sequences made visible, on one line in one-line fields; with no text field
focused it goes to the one the screen offers (the view's filter, the dialog's comment), or
is ignored with a note where there is none. Pastes are posted to the app as the terminal
driver posts them; tests/hardening/test_paste_terminal.py sends them through a real pty."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from textual import events
from textual.command import CommandPalette
from textual.widgets import Input

from ringmaster_tui.ui.screens.card_detail import CardDetailScreen
from ringmaster_tui.ui.widgets.errors_view import ErrorsView
from tests.hardening.tour import dump
from tests.ui.helpers import Notes, board, loaded, selected_title, settle, until
from tests.ui.snap_apps import make_app
from tests.ui.test_decisions_view import ROW, open_dialog
from tests.ui.view_data import build_views_board, id_of, one, open_view

pytestmark = pytest.mark.anyio

SIZE = (120, 40)
# Keys of the board and of the decision dialog, and what a terminal sends for escape,
# enter, clear-screen and a clipboard write.
HOSTILE = "a\x1bq\r\nA2d\x1b[2J\x1b]52;c;aGk=\x07\tend"
HOSTILE_SHOWN = "a␛q A2d␛[2J␛]52;c;aGk=␇    end"


@pytest.fixture
def views_db(tmp_path: Path) -> Path:
    db = tmp_path / "views.db"
    build_views_board(db)
    return db


def controls(text: str) -> list[str]:
    return [ch for ch in text if unicodedata.category(ch) in ("Cc", "Cs")]


async def test_a_paste_into_the_board_filter_is_shown_on_one_line(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=SIZE) as pilot:
        app = await loaded(pilot)
        before = dump(board_db)
        await pilot.press("slash")
        await until(pilot, lambda: board(app)._filter.has_focus)
        app.post_message(events.Paste(HOSTILE))
        await settle(pilot)

        field = board(app)._filter
        assert field.value == HOSTILE_SHOWN
        assert field.has_focus and app.screen is app.dashboard
        assert app.board_query.text == HOSTILE_SHOWN
        assert app.is_running
    assert dump(board_db) == before


async def test_a_paste_on_the_board_becomes_its_filter(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=SIZE) as pilot:
        app = await loaded(pilot)
        await pilot.press("slash", *"flaky", "enter")  # a kept filter, the lanes focused
        await settle(pilot)
        assert app.focused is board(app).keys
        before = dump(board_db)

        app.post_message(events.Paste("Sketch\r\n"))  # as copied, with its line end
        await settle(pilot)

        field = board(app)._filter
        assert field.visible and field.has_focus
        assert field.value == "Sketch"  # the new paste replaces the kept filter
        assert selected_title(app) == "Sketch the API"

        app.post_message(events.Paste(HOSTILE))  # typed on after it, where the cursor is
        await settle(pilot)
        assert field.value == "Sketch" + HOSTILE_SHOWN
        assert app.screen is app.dashboard and app.is_running
    assert dump(board_db) == before  # no `a`, no enter, no `A` ran


async def test_a_paste_in_a_list_view_becomes_that_views_filter(views_db: Path) -> None:
    async with make_app(views_db).run_test(size=SIZE) as pilot:
        view = await open_view(pilot, "errors", ErrorsView)
        app = pilot.app
        assert app.focused is view.table
        app.post_message(events.Paste("Timeout\x1b[A"))
        await until(pilot, lambda: view._filter.has_focus)

        assert view._filter.value == "Timeout␛[A"
        assert not board(app)._filter.visible  # the hidden board's filter got nothing


async def test_a_paste_into_the_decision_comment_is_written_as_shown(views_db: Path) -> None:
    target = id_of(views_db, "decisions", "summary", "Retry or abandon?")
    async with make_app(views_db).run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, views_db, "Retry or abandon?")
        await pilot.press("2", "tab")
        comment = dialog.query_one("#decision-comment", Input)
        await until(pilot, lambda: comment.has_focus)
        pilot.app.post_message(events.Paste(HOSTILE))
        await until(pilot, lambda: comment.value == HOSTILE_SHOWN)

        assert dialog.choice == "abandon"  # the 2 and the d in the paste picked nothing
        assert pilot.app.screen is dialog
        await pilot.press("enter")
        await settle(pilot)

    status, _by, choice, written, _at = one(views_db, ROW, target)
    assert (status, choice, written) == ("decided", "abandon", HOSTILE_SHOWN)
    assert not controls(written)


async def test_a_paste_on_the_decision_options_goes_to_the_comment(views_db: Path) -> None:
    target = id_of(views_db, "decisions", "summary", "Retry or abandon?")
    async with make_app(views_db).run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, views_db, "Retry or abandon?")
        comment = dialog.query_one("#decision-comment", Input)
        assert not comment.has_focus
        before = dump(views_db)
        pilot.app.post_message(events.Paste("2d\r\x1b"))
        await until(pilot, lambda: comment.has_focus)

        assert comment.value == "2d ␛"
        assert dialog.choice is None and pilot.app.screen is dialog
        assert one(views_db, ROW, target)[0] == "pending"
    assert dump(views_db) == before


async def test_a_paste_where_no_field_takes_text_is_ignored_with_a_note(
    board_db: Path, notes: Notes
) -> None:
    async with make_app(board_db).run_test(size=SIZE, message_hook=notes.hook) as pilot:
        app = await loaded(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CardDetailScreen))
        detail = app.screen
        before = dump(board_db)
        app.post_message(events.Paste("\x1b\rq d"))
        await until(pilot, lambda: bool(notes.messages))

        assert notes.last == "Nothing here takes text: the paste was ignored."
        assert app.screen is detail and app.is_running
    assert dump(board_db) == before


async def test_a_field_we_did_not_write_gets_the_visible_text_too(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=SIZE) as pilot:
        app = await loaded(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        field = app.screen.query_one(Input)
        await until(pilot, lambda: field.has_focus)
        app.post_message(events.Paste("\x1b]2;pwned\x07 x\u202e"))
        await until(pilot, lambda: bool(field.value))

        assert field.value == "␛]2;pwned␇ x\\u202e"

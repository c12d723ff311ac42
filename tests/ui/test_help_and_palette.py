"""`?` lists every key of the screen, read from its bindings; ctrl+p jumps to a card by
title and runs any action by name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Static

from ringmaster_tui.ui.app import RingmasterApp
from ringmaster_tui.ui.screens.card_detail import CardDetailScreen
from ringmaster_tui.ui.screens.help import HelpScreen
from ringmaster_tui.ui.widgets.board import BoardView
from ringmaster_tui.ui.widgets.lane_keys import LaneKeys
from tests.ui.helpers import (
    board,
    card_id,
    keys_act_on,
    loaded,
    selected_title,
    settle,
    state_of,
    until,
)
from tests.ui.snap_apps import make_app

pytestmark = pytest.mark.anyio


def descriptions(*classes: type[object]) -> set[str]:
    found: set[str] = set()
    for cls in classes:
        found |= {b.description for b in Binding.make_bindings(getattr(cls, "BINDINGS", []))}
    return found


def help_rows(app: RingmasterApp) -> list[tuple[str, str, str]]:
    """(where, keys, does) for each row of the help, read from the text drawn."""
    table = app.screen.query_one("#help-keys Static", Static).content
    assert isinstance(table, Text)
    lines = table.plain.splitlines()
    header = lines[0]
    keys_at, does_at = header.index("keys"), header.index("does")
    return [
        (line[:keys_at].strip(), line[keys_at:does_at].strip(), line[does_at:].strip())
        for line in lines[1:]
    ]


async def test_question_mark_lists_every_key_of_the_board(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=(100, 40)) as pilot:
        app = await loaded(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        rows = help_rows(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.dashboard

    shown = {description for _, _, description in rows}
    # Ringmaster's workflow has no comment move: its card key is neither bound nor listed.
    expected = descriptions(BoardView, LaneKeys, RingmasterApp) - {"Clear filter", "Comment"}
    assert expected <= shown
    assert "Comment" not in shown
    keys = {description: key for _, key, description in rows}
    assert keys["Lane left"] == "←, h, shift+tab"
    assert keys["Lane right"] == "→, l, tab"
    assert keys["Approve"] == "a"
    assert keys["Archive"] == "A"
    assert keys["Filter"] == "/"
    assert keys["Board"] == "1"


async def test_help_follows_the_screen_it_is_opened_on(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=(100, 40)) as pilot:
        app = await loaded(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CardDetailScreen))
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        shown = {description for _, _, description in help_rows(app)}

    assert "Back" in shown
    assert "Approve" not in shown  # a board key, not a key of the card screen


async def palette_pick(pilot: Pilot[Any], app: RingmasterApp, query: str) -> None:
    """Open the palette, type `query`, take the best hit."""
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette))
    await pilot.press(*query)
    commands = app.screen.query_one(CommandList)
    await until(pilot, lambda: commands.option_count > 0)
    await pilot.press("down", "enter")
    await settle(pilot)


async def test_palette_jumps_to_a_card_by_title(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=(100, 30)) as pilot:
        app = await loaded(pilot)
        await palette_pick(pilot, app, "flaky")

        assert selected_title(app) == "Fix flaky test"
        assert keys_act_on(app, "CODING")


async def test_palette_runs_an_action_by_name(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=(100, 30)) as pilot:
        app = await loaded(pilot)
        assert board(app).select_card(card_id(board_db, "Write the plan"))
        await palette_pick(pilot, app, "approve")

    assert state_of(board_db, "Write the plan") == "planning"


async def test_help_opened_again_is_the_same_screen_with_the_same_keys(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=(100, 40)) as pilot:
        app = await loaded(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        first, rows = app.screen, help_rows(app)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.dashboard)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))

        assert app.screen is first  # kept, not built again
        assert help_rows(app) == rows

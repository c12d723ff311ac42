"""Keys 1-6 switch views (only the board exists yet; the others say so); q quits."""

from __future__ import annotations

from pathlib import Path

import pytest

from ringmaster_tui.ui.screens.card_detail import CardDetailScreen
from tests.ui.helpers import Notes, loaded, until
from tests.ui.snap_apps import make_app

pytestmark = pytest.mark.anyio


async def test_views_to_come_say_so_and_one_is_the_board(board_db: Path, notes: Notes) -> None:
    async with make_app(board_db).run_test(size=(80, 24), message_hook=notes.hook) as pilot:
        app = await loaded(pilot)
        for key, title in (
            ("2", "Loops"),
            ("3", "Errors"),
            ("4", "Decisions"),
            ("5", "Alerts"),
            ("6", "Metrics"),
        ):
            await pilot.press(key)
            await pilot.pause()
            assert notes.last == f"The {title} view is coming soon."
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CardDetailScreen))
        await pilot.press("1")
        await pilot.pause()

        assert app.screen is app.dashboard
        assert app.dashboard.current_view is app.dashboard.board


async def test_q_quits(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0

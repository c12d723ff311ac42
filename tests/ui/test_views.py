"""Keys 1-6 switch views; q quits."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Label

from ringmaster_tui.ui.screens.card_detail import CardDetailScreen
from ringmaster_tui.ui.widgets.alerts_view import AlertsView
from ringmaster_tui.ui.widgets.decisions_view import DecisionsView
from ringmaster_tui.ui.widgets.errors_view import ErrorsView
from ringmaster_tui.ui.widgets.loops_view import LoopsView
from ringmaster_tui.ui.widgets.metrics_view import MetricsView
from tests.ui.helpers import loaded, until
from tests.ui.snap_apps import make_app

pytestmark = pytest.mark.anyio


async def test_keys_switch_views(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=(80, 24)) as pilot:
        app = await loaded(pilot)
        for key, view_type in (
            ("2", LoopsView),
            ("3", ErrorsView),
            ("4", DecisionsView),
            ("5", AlertsView),
            ("6", MetricsView),
        ):
            await pilot.press(key)
            await pilot.pause()
            view = app.dashboard.current_view
            assert isinstance(view, view_type)
            first = view.tables["projects"] if isinstance(view, MetricsView) else view.table
            assert app.screen.focused is first  # the keys act on the list at once
        await pilot.press("1", "enter")
        await until(pilot, lambda: isinstance(app.screen, CardDetailScreen))
        await pilot.press("3")
        await pilot.pause()

        assert app.screen is app.dashboard  # a view key leaves the card for its view
        assert isinstance(app.dashboard.current_view, ErrorsView)
        await pilot.press("1")
        await pilot.pause()
        assert app.dashboard.current_view is app.dashboard.board


async def test_q_quits(board_db: Path) -> None:
    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_a_list_view_says_it_is_reading_until_its_first_read(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=(120, 40)) as pilot:
        app = await loaded(pilot)
        view = app.dashboard.views["errors"]
        assert isinstance(view, ErrorsView)
        message = view.query_one(".list-empty", Label)
        assert view.snapshot is None  # its list is read only once it is shown
        assert message.display and str(message.render()) == "Reading the errors…"

        await pilot.press("3")
        await until(pilot, lambda: view.snapshot is not None)
        await pilot.pause()
        assert not message.display  # rows came
        assert view.table.row_count == len(view.items) > 0

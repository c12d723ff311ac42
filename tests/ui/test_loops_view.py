"""The loops view: every running loop, how far and how costly, stalled ones marked;
enter opens the card, `/` filters."""

from __future__ import annotations

from pathlib import Path

import pytest

from ringmaster_tui.ui.screens.card_detail import CardDetailScreen
from ringmaster_tui.ui.widgets.loops_view import STALLED_MARK, LoopsView
from tests.ui.helpers import screen_text, until
from tests.ui.snap_apps import make_app
from tests.ui.view_data import build_views_board, id_of, open_view, row_keys, select_row

pytestmark = pytest.mark.anyio
SIZE = (120, 40)


@pytest.fixture
def views_db(tmp_path: Path) -> Path:
    db = tmp_path / "views.db"
    build_views_board(db)
    return db


def line_of(text: str, title: str) -> str:
    return next(line for line in text.splitlines() if title in line)


async def test_every_loop_with_its_figures_and_the_stalled_one_marked(views_db: Path) -> None:
    async with make_app(views_db).run_test(size=SIZE) as pilot:
        view = await open_view(pilot, "loops", LoopsView)
        text = await screen_text(pilot)

    assert [loop.title for loop in view.items] == ["Implement login", "Fix flaky test"]
    login, fixing = line_of(text, "Implement login"), line_of(text, "Fix flaky test")
    assert STALLED_MARK in login
    assert STALLED_MARK not in fixing
    # project, iteration, errors of max_retries, cost, time, latest attempt and its age
    for part in ("alpha", "↻3", "0/5", "$1.25", "3m", "running 2h00m", "▆▇█▁"):
        assert part in login, part
    for part in ("beta", "↻7", "2/5", "$2.50", "1h02m", "completed 3h00m", "#7", "█▃"):
        assert part in fixing, part
    assert "2 loops running · 1 stalled" in text


async def test_enter_opens_the_loops_card(views_db: Path) -> None:
    async with make_app(views_db).run_test(size=SIZE) as pilot:
        view = await open_view(pilot, "loops", LoopsView)
        fixing = id_of(views_db, "cards", "title", "Fix flaky test")
        select_row(view, fixing)
        await pilot.press("enter")
        app = pilot.app
        await until(pilot, lambda: isinstance(app.screen, CardDetailScreen))

        assert isinstance(app.screen, CardDetailScreen)
        assert app.screen.card.id == fixing
        await until(pilot, lambda: getattr(app.screen, "detail", None) is not None)


async def test_slash_filters_loops_by_title(views_db: Path) -> None:
    async with make_app(views_db).run_test(size=SIZE) as pilot:
        view = await open_view(pilot, "loops", LoopsView)
        await pilot.press("slash", *"flaky")
        await until(pilot, lambda: len(view.items) == 1)
        await pilot.press("enter")  # keeps the filter, back to the list
        await pilot.pause()

        assert row_keys(view) == [id_of(views_db, "cards", "title", "Fix flaky test")]
        assert pilot.app.screen.focused is view.table
        await pilot.press("slash", "escape")
        await until(pilot, lambda: len(view.items) == 2)

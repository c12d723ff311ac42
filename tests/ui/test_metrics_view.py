"""The metrics view (key 6): its sections filled from the database, enter on a project
limits the board, enter on an activity row opens the card, live after another write, and
a database without the optional tables shows empty states."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from ringmaster_tui.ui.screens.card_detail import CardDetailScreen
from ringmaster_tui.ui.widgets.metrics_view import MetricsView
from tests.builders import ago
from tests.metrics_data import build_metrics_board
from tests.ui.helpers import loaded, screen_text, until
from tests.ui.snap_apps import make_app
from tests.ui.view_data import other_writer, reloaded

pytestmark = pytest.mark.anyio


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "metrics.db"
    build_metrics_board(path).close()
    return path


async def open_metrics(pilot: Pilot[Any]) -> MetricsView:
    app = await loaded(pilot)
    await pilot.press("6")
    view = app.dashboard.views["metrics"]
    assert isinstance(view, MetricsView)
    await until(pilot, lambda: view.metrics is not None)
    await pilot.pause()
    return view


async def test_key_6_shows_the_metrics(db: Path) -> None:
    async with make_app(db).run_test(size=(120, 40)) as pilot:
        view = await open_metrics(pilot)
        assert pilot.app.screen.focused is view.tables["projects"]
        assert view.tables["projects"].row_count == 3  # all projects, alpha, beta
        assert view.tables["activity"].row_count == 4
        assert view.tables["layers"].row_count == 2
        text = await screen_text(pilot)
        assert "66.67" in text and "$3.75" in text and "approve_plan" in text


async def test_enter_on_a_project_limits_the_board(db: Path) -> None:
    async with make_app(db).run_test(size=(120, 40)) as pilot:
        view = await open_metrics(pilot)
        app = pilot.app
        view.tables["projects"].move_cursor(row=2)  # beta
        await pilot.press("enter")
        await until(pilot, lambda: view.metrics is not None and view.metrics.project_id)
        assert app.board_query.project_id == "project-beta"
        assert app.snapshot is not None and app.snapshot.query.project_id == "project-beta"
        shown = {card.project_id for lane in app.snapshot.lanes for card in lane.cards}
        assert shown == {"project-beta"}
        assert view.tables["layers"].row_count == 1  # the metrics follow the project
        view.tables["projects"].move_cursor(row=0)  # all projects again
        await pilot.press("enter")
        await until(pilot, lambda: app.board_query.project_id is None)


async def test_enter_on_an_activity_row_opens_its_card(db: Path) -> None:
    async with make_app(db).run_test(size=(120, 40)) as pilot:
        view = await open_metrics(pilot)
        app = pilot.app
        view.tables["activity"].focus()
        view.tables["activity"].move_cursor(row=1)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CardDetailScreen))
        assert isinstance(app.screen, CardDetailScreen)
        assert app.screen.card.title == "Fix flaky test"


async def test_another_write_appears_after_the_reload(db: Path) -> None:
    async with make_app(db).run_test(size=(120, 40)) as pilot:
        view = await open_metrics(pilot)
        card_id = view.metrics.activity[0].card_id if view.metrics else ""
        other_writer(
            db,
            "INSERT INTO state_transitions (id, card_id, from_state, to_state, trigger, "
            "created_at) VALUES ('t-new', ?, 'coding', 'code_review', 'agent_done', ?)",
            card_id,
            ago(minutes=1),
        )
        await reloaded(pilot, lambda: view.tables["activity"].row_count == 5)
        assert view.metrics is not None
        assert view.metrics.activity[0].to_state == "code_review"


async def test_metrics_are_read_only_while_shown(db: Path) -> None:
    async with make_app(db).run_test(size=(120, 40)) as pilot:
        app = await loaded(pilot)
        await reloaded(pilot, lambda: True)
        view = app.dashboard.views["metrics"]
        assert isinstance(view, MetricsView)
        assert view.metrics is None  # never shown: never read


async def test_a_database_without_the_optional_tables(tmp_path: Path) -> None:
    path = tmp_path / "partial.db"
    build_metrics_board(path).close()
    with closing(sqlite3.connect(path)) as conn:
        for table in ("prompt_metrics", "state_transitions", "attempts"):
            conn.execute(f"DROP TABLE {table}")
        conn.commit()
    async with make_app(path).run_test(size=(120, 40)) as pilot:
        await open_metrics(pilot)
        text = await screen_text(pilot)
        assert "This database has no state_transitions table." in text
        assert "This database has no prompt_metrics table." in text
        assert "This database has no attempts table." in text


async def test_a_narrow_terminal_drops_columns_rather_than_cut_a_cost(db: Path) -> None:
    async with make_app(db).run_test(size=(40, 10)) as pilot:
        view = await open_metrics(pilot)
        table = view.tables["projects"]
        keys = [column.key.value for column in table.columns.values()]
        assert "cost" in keys and "cards" not in keys
        widths = sum(column.get_render_width(table) for column in table.columns.values())
        assert widths <= table.size.width
        assert "$3.75" in await screen_text(pilot)

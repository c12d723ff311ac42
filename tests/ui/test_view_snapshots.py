"""Screenshots of the loops, errors, decisions and alerts views and their dialogs.

A fixed clock (countdowns included), no animation, no live feed: the same database gives
the same pixels. `pytest tests/ui/test_view_snapshots.py --snapshot-update` rewrites them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from ringmaster_tui.ui.screens.decision_dialog import DecisionScreen
from ringmaster_tui.ui.screens.error_detail import ErrorDetailScreen
from ringmaster_tui.ui.widgets.alerts_view import AlertsView
from ringmaster_tui.ui.widgets.decisions_view import DecisionsView
from ringmaster_tui.ui.widgets.errors_view import ErrorsView
from ringmaster_tui.ui.widgets.loops_view import LoopsView
from ringmaster_tui.ui.widgets.row_list import RowListView
from tests.ui.helpers import until
from tests.ui.snap_apps import make_app
from tests.ui.view_data import build_views_board, id_of, open_view, select_row

SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot[Any]], Awaitable[None]]


@pytest.fixture(scope="module")
def snap_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("views") / "snap.db"
    build_views_board(db)
    return db


def show(name: str, view_type: type[RowListView[Any]], *keys: str, rows: int = 0) -> RunBefore:
    """Switch to the view `name`, press `keys`, wait until it shows `rows` rows (if given)."""

    async def run_before(pilot: Pilot[Any]) -> None:
        view = await open_view(pilot, name, view_type)
        if keys:
            await pilot.press(*keys)
        if rows:
            await until(pilot, lambda: view.table.row_count == rows)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_loops(snap_compare: SnapCompare, snap_db: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(snap_db), terminal_size=size, run_before=show("loops", LoopsView))


def test_errors(snap_compare: SnapCompare, snap_db: Path) -> None:
    assert snap_compare(
        make_app(snap_db), terminal_size=(120, 40), run_before=show("errors", ErrorsView)
    )


def test_decisions_with_settled(snap_compare: SnapCompare, snap_db: Path) -> None:
    assert snap_compare(
        make_app(snap_db),
        terminal_size=(120, 40),
        run_before=show("decisions", DecisionsView, "t", rows=5),
    )


def test_alerts(snap_compare: SnapCompare, snap_db: Path) -> None:
    assert snap_compare(
        make_app(snap_db), terminal_size=(120, 40), run_before=show("alerts", AlertsView)
    )


def decision_dialog(db: Path, summary: str, *keys: str) -> RunBefore:
    async def run_before(pilot: Pilot[Any]) -> None:
        view = await open_view(pilot, "decisions", DecisionsView)
        select_row(view, id_of(db, "decisions", "summary", summary))
        await pilot.press("enter")
        app = pilot.app
        await until(
            pilot, lambda: isinstance(app.screen, DecisionScreen) and app.screen.detail is not None
        )
        await pilot.press(*keys)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_decision_dialog(snap_compare: SnapCompare, snap_db: Path, size: tuple[int, int]) -> None:
    assert snap_compare(
        make_app(snap_db),
        terminal_size=size,
        run_before=decision_dialog(snap_db, "Retry or abandon?", "2", "tab", *"flaky twice"),
    )


def test_decision_dialog_broken_json(snap_compare: SnapCompare, snap_db: Path) -> None:
    assert snap_compare(
        make_app(snap_db),
        terminal_size=(120, 40),
        run_before=decision_dialog(snap_db, "Ship with [red]known[/red] flake?", "d"),
    )


def test_error_detail(snap_compare: SnapCompare, snap_db: Path) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        view = await open_view(pilot, "errors", ErrorsView)
        select_row(view, id_of(snap_db, "errors", "message", "Timeout in CI"))
        await pilot.press("enter")
        app = pilot.app
        await until(
            pilot,
            lambda: isinstance(app.screen, ErrorDetailScreen) and app.screen.detail is not None,
        )
        await pilot.pause()

    assert snap_compare(make_app(snap_db), terminal_size=(120, 40), run_before=run_before)

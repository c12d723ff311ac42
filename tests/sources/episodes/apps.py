"""The dashboard on an episodes store, as the episodes UI tests drive it: the fixed
clock for the screen and for the stall guard, no animation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from ringmaster_tui.config import Settings
from ringmaster_tui.ui.app import RingmasterApp
from ringmaster_tui.ui.widgets.table_view import TableListView
from tests.builders import NOW
from tests.sources.episodes.conftest import open_store
from tests.ui.helpers import until

VIEW_KEYS = {"board": "1", "loops": "2", "patterns": "3", "problems": "4"}


def make_app(db: Path, *, live: bool = False, read_only: bool = False) -> RingmasterApp:
    source = open_store(db, read_only=read_only)
    settings = Settings(db=str(db), user="ann", read_only=read_only, bell=False)
    return RingmasterApp(source, settings, clock=lambda: NOW, animate=False, live=live)


async def first_snapshot(pilot: Pilot[Any]) -> RingmasterApp:
    app = pilot.app
    assert isinstance(app, RingmasterApp)
    await until(pilot, lambda: app.snapshot is not None, timeout=10)
    await pilot.pause()
    return app


async def open_table(pilot: Pilot[Any], view_id: str) -> TableListView:
    """Switch to a table view and wait until its rows are on screen."""
    app = await first_snapshot(pilot)
    await pilot.press(VIEW_KEYS[view_id])
    view = app.dashboard.views[view_id]
    assert isinstance(view, TableListView)
    await until(
        pilot,
        lambda: (
            app.snapshot is not None
            and view_id in app.snapshot.tables
            and view.snapshot is app.snapshot
            and view.table.row_count == len(view.items)
        ),
        timeout=10,
    )
    await pilot.pause()
    return view


def keys_of(view: TableListView) -> list[str]:
    return [str(row.key.value) for row in view.table.ordered_rows]


def select(view: TableListView, row_id: str) -> None:
    view.table.move_cursor(row=view.table.get_row_index(row_id))


async def wait_for(pilot: Pilot[Any], condition: Callable[[], object]) -> None:
    await until(pilot, condition, timeout=10)
    await pilot.pause()

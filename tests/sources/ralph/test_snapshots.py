"""How the Ralph board and a story's detail look at 80x24 and 120x40 (fixed clock, fixed
data; the SVGs live in __snapshots__ and were read when made)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from ringmaster_tui.config import Settings
from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.ui.app import RingmasterApp
from ringmaster_tui.ui.screens.card_detail import CardDetailScreen
from tests.builders import NOW
from tests.sources.ralph.ralph_db import build_ralph_db, story_pk
from tests.ui.helpers import board, loaded, until

SnapCompare = Callable[..., bool]
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@pytest.fixture
def snap_db(tmp_path: Path) -> Path:
    return build_ralph_db(tmp_path / "ralph.db")


def _app(db: Path) -> RingmasterApp:
    source = open_source(db, user="ann")
    settings = Settings(db=str(db), user="ann", bell=False)
    return RingmasterApp(source, settings, clock=lambda: NOW, animate=False, live=False)


async def _board(pilot: Pilot[Any]) -> None:
    await loaded(pilot)
    await pilot.pause()


def _detail(db: Path) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = await loaded(pilot)
        assert board(app).select_card(story_pk(db, "US-002", 1))
        await pilot.press("enter")
        await until(
            pilot,
            lambda: isinstance(app.screen, CardDetailScreen) and app.screen.detail is not None,
        )
        await pilot.pause()

    return run_before


@SIZES
def test_board(snap_compare: SnapCompare, snap_db: Path, size: tuple[int, int]) -> None:
    assert snap_compare(_app(snap_db), terminal_size=size, run_before=_board)


@SIZES
def test_story_detail(snap_compare: SnapCompare, snap_db: Path, size: tuple[int, int]) -> None:
    assert snap_compare(_app(snap_db), terminal_size=size, run_before=_detail(snap_db))


def _table(key: str, view_id: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = await loaded(pilot)
        await pilot.press(key)
        view = app.dashboard.views[view_id]
        await until(
            pilot,
            lambda: app.snapshot is not None and view_id in app.snapshot.tables,
        )
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.dashboard.current_view is view

    return run_before


@SIZES
def test_loops(snap_compare: SnapCompare, snap_db: Path, size: tuple[int, int]) -> None:
    assert snap_compare(_app(snap_db), terminal_size=size, run_before=_table("2", "loops"))


@SIZES
def test_problems(snap_compare: SnapCompare, snap_db: Path, size: tuple[int, int]) -> None:
    assert snap_compare(_app(snap_db), terminal_size=size, run_before=_table("3", "problems"))

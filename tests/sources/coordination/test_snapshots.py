"""Screenshots of the coordination board, loops and problems at 80x24 and 120x40.

The demo at the fixed NOW, a fixed clock, no animation, no live feed: the same database
gives the same pixels. `--snapshot-update` rewrites them (then read the SVGs' text).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from ringmaster_tui.sources.coordination.sim.demo import create_demo_database
from tests.builders import NOW
from tests.ui.helpers import loaded, until, view_read
from tests.ui.snap_apps import make_app

SnapCompare = Callable[..., bool]
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@pytest.fixture(scope="module")
def snap_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("coordination") / "snap.db"
    create_demo_database(db, seed=3, now=NOW)
    return db


def show(key: str, name: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = await loaded(pilot)
        if key != "1":
            await pilot.press(key)
            await until(pilot, lambda: view_read(app, name))
        await app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


@SIZES
def test_board(snap_compare: SnapCompare, snap_db: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(snap_db), terminal_size=size, run_before=show("1", "board"))


@SIZES
def test_loops(snap_compare: SnapCompare, snap_db: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(snap_db), terminal_size=size, run_before=show("2", "loops"))


@SIZES
def test_problems(snap_compare: SnapCompare, snap_db: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(snap_db), terminal_size=size, run_before=show("3", "problems"))

"""Screenshots of the episodes board, the live tail and an episode's detail at 80x24 and
120x40. A fixed clock, no animation, no live feed: the same store gives the same
pixels. `pytest tests/sources/episodes/test_snapshots.py --snapshot-update` rewrites them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from ringmaster_tui.domain.views import SectionedDetail
from ringmaster_tui.ui.screens.card_detail import CardDetailScreen
from tests.sources.episodes.apps import first_snapshot, make_app, open_table, wait_for
from tests.sources.episodes.builders import build_in_second_process
from tests.ui.helpers import board

SnapCompare = Callable[..., bool]
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@pytest.fixture(scope="module")
def snap_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_in_second_process(tmp_path_factory.mktemp("episodes-snap") / "snap.db")


async def on_board(pilot: Pilot[Any]) -> None:
    app = await first_snapshot(pilot)
    await wait_for(pilot, lambda: board(app).selected_card is not None)


async def on_live(pilot: Pilot[Any]) -> None:
    await open_table(pilot, "loops")


async def on_detail(pilot: Pilot[Any]) -> None:
    app = await first_snapshot(pilot)
    assert board(app).select_card("e-login")
    await pilot.press("enter")
    await wait_for(
        pilot,
        lambda: (
            isinstance(app.screen, CardDetailScreen)
            and isinstance(app.screen.detail, SectionedDetail)
        ),
    )


RUNS: dict[str, Callable[[Pilot[Any]], Awaitable[None]]] = {
    "board": on_board,
    "live": on_live,
    "detail": on_detail,
}


@SIZES
@pytest.mark.parametrize("screen", list(RUNS))
def test_screens(
    snap_compare: SnapCompare, snap_db: Path, screen: str, size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(snap_db), terminal_size=size, run_before=RUNS[screen])

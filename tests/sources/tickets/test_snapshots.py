"""Screenshots of the ticket board and a ticket's detail at 80x24 and 120x40.

A fixed clock, no animation, no live feed, the standard database (written by a second
process): the same pixels every run. `--snapshot-update` rewrites them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from ringmaster_tui.ui.screens.card_detail import CardDetailScreen
from tests.sources.tickets.app_helpers import make_app, on_card
from tests.ui.helpers import loaded, until

SnapCompare = Callable[..., bool]
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@SIZES
def test_board(snap_compare: SnapCompare, tickets_db: Path, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await on_card(pilot, "A-2")

    assert snap_compare(make_app(tickets_db), terminal_size=size, run_before=run_before)


@SIZES
def test_ticket_detail(snap_compare: SnapCompare, tickets_db: Path, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await on_card(pilot, "A-2")
        await pilot.press("enter")
        app = pilot.app
        await until(
            pilot,
            lambda: isinstance(app.screen, CardDetailScreen) and app.screen.detail is not None,
        )
        await pilot.pause()

    assert snap_compare(make_app(tickets_db), terminal_size=size, run_before=run_before)


def test_board_filtered_to_one_project(snap_compare: SnapCompare, tickets_db: Path) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = await loaded(pilot)
        app.board_query = app.board_query.model_copy(update={"project_id": "beta"})
        app.request_reload()
        await until(
            pilot, lambda: app.snapshot is not None and app.snapshot.query.project_id == "beta"
        )
        await pilot.pause()

    assert snap_compare(make_app(tickets_db), terminal_size=(120, 40), run_before=run_before)

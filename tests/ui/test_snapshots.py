"""Screenshots of the main screens, compared with the SVGs in __snapshots__/.

A fixed clock, no animation and no live feed: the same database gives the same pixels.
`pytest --snapshot-update` rewrites them after a deliberate change of look.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from ringmaster_tui.ui.screens.card_detail import CardDetailScreen
from ringmaster_tui.ui.screens.force_picker import ForcePickerScreen
from ringmaster_tui.ui.screens.help import HelpScreen
from tests.ui.helpers import board, card_id, loaded, until
from tests.ui.snap_apps import build_detailed_board, make_app

SnapCompare = Callable[..., bool]


@pytest.fixture
def snap_db(tmp_path: Path) -> Path:
    db = tmp_path / "snap.db"
    build_detailed_board(db)
    return db


def select(db: Path, title: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Before the screenshot: wait for the board, then select the card called `title`."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = await loaded(pilot)
        assert board(app).select_card(card_id(db, title))
        await pilot.pause()

    return run_before


def then(
    first: Callable[[Pilot[Any]], Awaitable[None]],
    keys: tuple[str, ...],
    ready: Callable[[Any], bool],
) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """`first`, then press `keys` and wait until `ready(app)` holds."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await first(pilot)
        await pilot.press(*keys)
        await until(pilot, lambda: ready(pilot.app))
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_board(snap_compare: SnapCompare, snap_db: Path, size: tuple[int, int]) -> None:
    assert snap_compare(
        make_app(snap_db), terminal_size=size, run_before=select(snap_db, "Fix flaky test")
    )


def test_board_read_only(snap_compare: SnapCompare, snap_db: Path) -> None:
    assert snap_compare(
        make_app(snap_db, read_only=True),
        terminal_size=(120, 40),
        run_before=select(snap_db, "Implement login"),
    )


def test_card_detail(snap_compare: SnapCompare, snap_db: Path) -> None:
    def detail_shown(app: Any) -> bool:
        return isinstance(app.screen, CardDetailScreen) and app.screen.detail is not None

    assert snap_compare(
        make_app(snap_db),
        terminal_size=(120, 40),
        run_before=then(select(snap_db, "Fix flaky test"), ("enter",), detail_shown),
    )


def test_help(snap_compare: SnapCompare, snap_db: Path) -> None:
    assert snap_compare(
        make_app(snap_db),
        terminal_size=(120, 40),
        run_before=then(
            select(snap_db, "Implement login"),
            ("question_mark",),
            lambda app: isinstance(app.screen, HelpScreen),
        ),
    )


def test_force_picker(snap_compare: SnapCompare, snap_db: Path) -> None:
    assert snap_compare(
        make_app(snap_db),
        terminal_size=(80, 24),
        run_before=then(
            select(snap_db, "Implement login"),
            ("f",),
            lambda app: isinstance(app.screen, ForcePickerScreen),
        ),
    )


def test_board_filtered_with_the_field_open(snap_compare: SnapCompare, snap_db: Path) -> None:
    """The field floats over the lanes' foot; the lanes keep their size."""
    assert snap_compare(
        make_app(snap_db),
        terminal_size=(120, 40),
        run_before=then(
            select(snap_db, "Fix flaky test"),
            ("slash", *"flaky"),
            lambda app: app.snapshot is not None and app.snapshot.query.text == "flaky",
        ),
    )

"""Screenshots of the attempt review, unified and side by side, compared with the SVGs.

The repository's commits have fixed authors and dates, so their shas (shown on screen)
are the same on every run; the clock is fixed and nothing animates.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from ringmaster_tui.ui.screens.card_detail import CardDetailScreen
from ringmaster_tui.ui.screens.review import ReviewScreen
from tests.ui.helpers import board, card_id, loaded, until
from tests.ui.review_data import build_repo, build_review_board
from tests.ui.snap_apps import make_app

SnapCompare = Callable[..., bool]


@pytest.fixture
def review_db(tmp_path: Path) -> Path:
    commits = build_repo(tmp_path / "repo")
    db = tmp_path / "review.db"
    build_review_board(db, commits, worktree=str(tmp_path / "repo"))
    return db


def open_second_attempt(db: Path, *keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Before the screenshot: the card, its attempt 2's review, then `keys`."""

    def settled(app: Any) -> bool:
        return isinstance(app.screen, ReviewScreen) and not app.screen.busy

    async def run_before(pilot: Pilot[Any]) -> None:
        app = await loaded(pilot)
        assert board(app).select_card(card_id(db, "Fix flaky test"))
        await pilot.press("enter")
        await until(
            pilot,
            lambda: isinstance(app.screen, CardDetailScreen) and app.screen.detail is not None,
        )
        await pilot.press("tab", "down", "enter")
        await until(pilot, lambda: settled(app))
        await pilot.press(*keys)
        await until(pilot, lambda: settled(app))
        await pilot.pause()

    return run_before


def test_review_unified(snap_compare: SnapCompare, review_db: Path) -> None:
    assert snap_compare(
        make_app(review_db), terminal_size=(120, 40), run_before=open_second_attempt(review_db)
    )


def test_review_side_by_side(snap_compare: SnapCompare, review_db: Path) -> None:
    assert snap_compare(
        make_app(review_db),
        terminal_size=(120, 40),
        run_before=open_second_attempt(review_db, "s"),
    )


def test_review_unified_80x24(snap_compare: SnapCompare, review_db: Path) -> None:
    """The smallest terminal: the renamed file's diff, after `]` twice."""
    assert snap_compare(
        make_app(review_db),
        terminal_size=(80, 24),
        run_before=open_second_attempt(review_db, "right_square_bracket", "right_square_bracket"),
    )

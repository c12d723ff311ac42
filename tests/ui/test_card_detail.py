"""Enter opens a card in full: texts, criteria, dependencies, attempts, errors, snapshots,
deployments and the history newest first; escape goes back to the same card."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import DataTable

from ringmaster_tui.ui.app import RingmasterApp
from ringmaster_tui.ui.formatting import MISSING
from ringmaster_tui.ui.screens.card_detail import CardDetailScreen
from tests.ui.helpers import board, card_id, loaded, screen_text, selected_title, until
from tests.ui.snap_apps import build_detailed_board, make_app

pytestmark = pytest.mark.anyio


@pytest.fixture
def detailed_db(tmp_path: Path) -> Path:
    db = tmp_path / "detail.db"
    build_detailed_board(db)
    return db


def detail_ready(app: RingmasterApp) -> bool:
    return isinstance(app.screen, CardDetailScreen) and app.screen.detail is not None


def table_rows(table: DataTable[Text]) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_enter_shows_everything_about_the_card(detailed_db: Path) -> None:
    async with make_app(detailed_db).run_test(size=(120, 40)) as pilot:
        app = await loaded(pilot)
        assert board(app).select_card(card_id(detailed_db, "Fix flaky test"))
        await pilot.press("enter")
        await until(pilot, lambda: detail_ready(app))
        text = await screen_text(pilot)
        tables = list(app.screen.query(DataTable).results(DataTable))
        attempts, errors, snapshots, deployments, history = (table_rows(t) for t in tables)

    assert "Fix flaky test" in text.splitlines()[0]
    for shown in (
        "error_fixing (was coding)",
        "fix/flaky",
        "The login test fails one run in ten.",
        "Find the race; keep the test.",  # the description keeps its lines
        "Do: Fix flaky test",
        "Acceptance criteria (1/2 met)",
        "✓ met    The test passes 100 runs in a row",
        "✗ unmet  No sleep() added",
        "blocked by Implement login — coding",
    ):
        assert shown in text
    assert attempts[0][:7] == [
        "2",
        "completed",
        "claude-opus-4",
        "5,400",
        "$1.50",
        "1m",
        "0123456789",
    ]
    assert attempts[1][:2] == ["1", "failed"]
    assert [row[1] for row in errors] == ["TestFailure", "TestFailure"]
    assert {row[-1] for row in errors} == {"AssertionError: expected 200", "Timeout in CI"}
    assert snapshots == [["7", "fedcba9876", "20m ago"]]
    assert deployments[0][1:] == [
        "app:1.4.2",
        "completed/success",
        "Synced/Healthy",
        "staging",
        "3/3",
    ]
    # Newest first, with who made each move when the metadata says.
    assert [row[1:] for row in history] == [
        ["coding", "error_fixing", "tests_failed", MISSING],
        ["planning", "coding", "approve_plan", "bob"],
        ["draft", "planning", "start_planning", "ann"],
    ]
    assert history[0][0] == "1h00m ago"


async def test_the_card_that_blocks_others_lists_them(detailed_db: Path) -> None:
    async with make_app(detailed_db).run_test(size=(120, 40)) as pilot:
        app = await loaded(pilot)
        assert board(app).select_card(card_id(detailed_db, "Implement login"))
        await pilot.press("enter")
        await until(pilot, lambda: detail_ready(app))
        text = await screen_text(pilot)

    assert "blocked by Shipped — completed" in text
    assert "blocks Fix flaky test — error_fixing" in text


async def test_escape_goes_back_to_the_same_card(detailed_db: Path) -> None:
    async with make_app(detailed_db).run_test(size=(80, 24)) as pilot:
        app = await loaded(pilot)
        await pilot.press("l", "j", "enter")
        await until(pilot, lambda: detail_ready(app))
        await pilot.press("j", "k", "escape")
        await pilot.pause()

        assert app.screen is app.dashboard
        assert selected_title(app) == "Plan without criteria"

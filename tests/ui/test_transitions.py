"""Card keys write compare-and-set transitions, recorded with who made them; guards,
lost races, force, undo and read-only mode, each checked in the database itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from ringmaster_tui.ui.app import RingmasterApp
from ringmaster_tui.ui.screens.confirm import ConfirmScreen
from ringmaster_tui.ui.screens.force_picker import ForcePickerScreen
from tests.ui.helpers import (
    Notes,
    TransitionRow,
    board,
    card_id,
    keys_act_on,
    loaded,
    screen_text,
    selected_title,
    set_state,
    settle,
    state_of,
    transitions,
    until,
)
from tests.ui.snap_apps import USER, make_app

pytestmark = pytest.mark.anyio
SIZE = (80, 24)


async def press_on(pilot: Pilot[object], db: Path, title: str, *keys: str) -> RingmasterApp:
    """Select the card titled `title`, press `keys`, wait for the write and the reload."""
    app = await loaded(pilot)
    assert board(app).select_card(card_id(db, title))
    await pilot.pause()
    await pilot.press(*keys)
    await settle(pilot)
    return app


def recorded(row: TransitionRow) -> tuple[str, str, str, str]:
    return row.from_state, row.to_state, row.trigger, row.metadata["by"]


async def test_a_starts_planning_a_draft(board_db: Path, notes: Notes) -> None:
    async with make_app(board_db).run_test(size=SIZE, message_hook=notes.hook) as pilot:
        app = await press_on(pilot, board_db, "Write the plan", "a")

        assert state_of(board_db, "Write the plan") == "planning"
        (row,) = transitions(board_db)
        assert recorded(row) == ("draft", "planning", "start_planning", USER)
        assert row.metadata["via"] == "ringmaster-tui"
        assert "draft → planning" in notes.last
        # The selection followed the card into its new lane.
        await until(pilot, lambda: selected_title(app) == "Write the plan")
        assert keys_act_on(app, "PLANNING")


async def test_a_approves_a_plan_with_criteria(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=SIZE) as pilot:
        await press_on(pilot, board_db, "Plan with criteria", "a")

    assert state_of(board_db, "Plan with criteria") == "coding"
    assert [recorded(r) for r in transitions(board_db)] == [
        ("planning", "coding", "approve_plan", USER)
    ]


async def test_approve_plan_refused_without_criteria(board_db: Path, notes: Notes) -> None:
    async with make_app(board_db).run_test(size=SIZE, message_hook=notes.hook) as pilot:
        await press_on(pilot, board_db, "Plan without criteria", "a")

    assert state_of(board_db, "Plan without criteria") == "planning"
    assert transitions(board_db) == []
    assert "acceptance criteria" in notes.last


async def test_a_approves_a_review_with_a_pull_request(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=SIZE) as pilot:
        await press_on(pilot, board_db, "Review me", "a")

    assert [recorded(r) for r in transitions(board_db)] == [
        ("code_review", "testing", "approve_review", USER)
    ]


async def test_r_rejects_a_review(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=SIZE) as pilot:
        await press_on(pilot, board_db, "Review without PR", "r")

    assert state_of(board_db, "Review without PR") == "coding"
    assert [recorded(r) for r in transitions(board_db)] == [
        ("code_review", "coding", "reject_review", USER)
    ]


async def test_r_rejects_a_plan(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=SIZE) as pilot:
        await press_on(pilot, board_db, "Plan without criteria", "r")

    assert [recorded(r) for r in transitions(board_db)] == [
        ("planning", "draft", "reject_plan", USER)
    ]


async def test_a_key_that_means_nothing_here_says_so(board_db: Path, notes: Notes) -> None:
    async with make_app(board_db).run_test(size=SIZE, message_hook=notes.hook) as pilot:
        await press_on(pilot, board_db, "Implement login", "r")

    assert transitions(board_db) == []
    assert "Nothing to reject" in notes.last


async def test_capital_a_archives_a_completed_card(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=SIZE) as pilot:
        app = await press_on(pilot, board_db, "Shipped", "A")

        assert state_of(board_db, "Shipped") == "archived"
        assert [recorded(r) for r in transitions(board_db)] == [
            ("completed", "archived", "archive", USER)
        ]
        assert "Shipped" not in {c.title for c in app.loaded_cards()}  # hidden when archived


async def test_f_forces_after_picking_and_confirming(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=SIZE) as pilot:
        app = await press_on(pilot, board_db, "Gave up", "f")
        assert isinstance(app.screen, ForcePickerScreen)
        await pilot.press("down", "enter")  # draft, planning
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert transitions(board_db) == []  # nothing before the confirmation
        await pilot.press("y")
        await settle(pilot)

    assert state_of(board_db, "Gave up") == "planning"
    assert [recorded(r) for r in transitions(board_db)] == [("failed", "planning", "force", USER)]


async def test_force_cancelled_or_declined_writes_nothing(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=SIZE) as pilot:
        app = await press_on(pilot, board_db, "Gave up", "f", "escape")
        assert not isinstance(app.screen, ForcePickerScreen)
        await pilot.press("f", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await settle(pilot)

    assert state_of(board_db, "Gave up") == "failed"
    assert transitions(board_db) == []


async def test_u_undoes_the_last_transitions_one_by_one(board_db: Path, notes: Notes) -> None:
    async with make_app(board_db).run_test(size=SIZE, message_hook=notes.hook) as pilot:
        app = await press_on(pilot, board_db, "Write the plan", "a")
        assert board(app).select_card(card_id(board_db, "Review me"))
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert state_of(board_db, "Review me") == "code_review"
        await pilot.press("u")
        await settle(pilot)
        assert state_of(board_db, "Write the plan") == "draft"
        await pilot.press("u")
        await settle(pilot)

    rows = transitions(board_db)
    assert [(r.title, *recorded(r)) for r in rows] == [
        ("Write the plan", "draft", "planning", "start_planning", USER),
        ("Review me", "code_review", "testing", "approve_review", USER),
        ("Review me", "testing", "code_review", "undo", USER),
        ("Write the plan", "planning", "draft", "undo", USER),
    ]
    assert rows[2].metadata["undoes"] == "approve_review"
    assert "Nothing to undo" in notes.last


async def test_a_card_that_moved_meanwhile_is_not_written(board_db: Path, notes: Notes) -> None:
    async with make_app(board_db).run_test(size=SIZE, message_hook=notes.hook) as pilot:
        app = await loaded(pilot)
        assert board(app).select_card(card_id(board_db, "Plan with criteria"))
        await pilot.pause()
        # The orchestrator moves the card after the user saw it in planning.
        set_state(board_db, "Plan with criteria", "draft")
        await pilot.press("a")
        await settle(pilot)

        assert state_of(board_db, "Plan with criteria") == "draft"
        assert transitions(board_db) == []
        assert "moved to draft meanwhile" in notes.last
        assert "nothing was written" in notes.last
        # The reload after the refusal shows where the card really is.
        assert board(app).columns["DRAFT"].index_of(card_id(board_db, "Plan with criteria"))


async def test_read_only_keys_explain_and_write_nothing(board_db: Path, notes: Notes) -> None:
    async with make_app(board_db, read_only=True).run_test(
        size=SIZE, message_hook=notes.hook
    ) as pilot:
        app = await loaded(pilot)
        for title, key in (
            ("Write the plan", "a"),
            ("Plan without criteria", "r"),
            ("Shipped", "A"),
            ("Gave up", "f"),
            ("Gave up", "u"),
        ):
            assert board(app).select_card(card_id(board_db, title))
            await pilot.press(key)
            await settle(pilot)
            assert "disabled: read-only" in notes.last
            assert app.screen is app.dashboard  # no picker, no dialog
        header = (await screen_text(pilot)).splitlines()[0]

    assert "READ-ONLY" in header
    assert transitions(board_db) == []
    assert state_of(board_db, "Write the plan") == "draft"
    assert state_of(board_db, "Shipped") == "completed"
    assert len([m for m in notes.messages if "read-only" in m]) == 5

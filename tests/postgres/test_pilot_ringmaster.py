"""The Ringmaster source's core user flows through the real app (Pilot), on both engines
with the same assertions: the board's lanes and counts; approve, reject, force and a
guard's refusal, each written with its audit row and shown; a lost race refused with
nothing written; a decision decided from its dialog; alerts acknowledged one and all; an
error resolved; the filter; another process's commit reaching the screen by itself."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from ringmaster_tui.ui.app import RingmasterApp
from ringmaster_tui.ui.screens.confirm import ConfirmScreen
from ringmaster_tui.ui.screens.decision_dialog import DecisionScreen
from ringmaster_tui.ui.screens.force_picker import ForcePickerScreen
from ringmaster_tui.ui.widgets.alerts_view import AlertsView
from ringmaster_tui.ui.widgets.decisions_view import DecisionsView
from ringmaster_tui.ui.widgets.errors_view import ErrorsView
from tests.postgres.pilot_board import ENGINES, USER, Board, standard_board
from tests.ui.helpers import (
    Notes,
    board,
    loaded,
    screen_text,
    selected_title,
    settle,
    until,
)
from tests.ui.test_live import SHOWN_WITHIN, titles
from tests.ui.view_data import open_view, row_keys, select_row

pytestmark = pytest.mark.anyio
WIDE = (250, 40)
SIZE = (120, 40)


@pytest.fixture(params=ENGINES)
def rm(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Board]:
    yield from standard_board(request, tmp_path)


@pytest.fixture
def notes() -> Notes:
    return Notes()


async def press_on(pilot: Pilot[Any], rm: Board, title: str, *keys: str) -> RingmasterApp:
    """Select the card titled `title`, press `keys`, wait for the write and the reload."""
    app = await loaded(pilot)
    assert board(app).select_card(rm.card_id(title))
    await pilot.pause()
    await pilot.press(*keys)
    await settle(pilot)
    return app


def in_lane(app: RingmasterApp, lane: str, rm: Board, title: str) -> bool:
    return board(app).columns[lane].index_of(rm.card_id(title)) is not None


async def test_the_board_draws_every_lane_with_its_count(rm: Board) -> None:
    async with rm.app().run_test(size=WIDE) as pilot:
        await loaded(pilot)
        text = await screen_text(pilot)

    for header in (
        "DRAFT 2",
        "PLANNING 2",
        "CODING 2",
        "REVIEW 2",
        "TESTING 1",
        "BUILD 2",
        "DEPLOY 1",
        "DONE 1",
        "FAILED 1",
    ):
        assert header in text, header
    assert "OTHER" not in text
    assert "Old news" not in text  # archived cards are hidden
    top = text.splitlines()[0]
    for total in ("loops 2", "errors 2", "decisions 2", "alerts 2", "(1 crit)"):
        assert total in top, total
    assert "postgres:postgres@" not in text  # a URL is shown without its password


@pytest.mark.parametrize(
    ("title", "key", "lane", "row"),
    [
        ("Plan with criteria", "a", "CODING", ("planning", "coding", "approve_plan")),
        ("Review without PR", "r", "CODING", ("code_review", "coding", "reject_review")),
        ("Write the plan", "a", "PLANNING", ("draft", "planning", "start_planning")),
    ],
    ids=["approve", "reject", "start"],
)
async def test_a_card_key_writes_the_move_and_its_audit_row(
    rm: Board, notes: Notes, title: str, key: str, lane: str, row: tuple[str, str, str]
) -> None:
    async with rm.app().run_test(size=SIZE, message_hook=notes.hook) as pilot:
        app = await press_on(pilot, rm, title, key)

        assert rm.state_of(title) == row[1]
        ((moved, from_state, to_state, trigger, metadata),) = rm.transitions()
        assert (moved, from_state, to_state, trigger) == (title, *row)
        assert metadata["by"] == USER and metadata["via"] == "ringmaster-tui"
        assert f"{row[0]} → {row[1]}" in notes.last
        await until(pilot, lambda: in_lane(app, lane, rm, title))
        await until(pilot, lambda: selected_title(app) == title)


async def test_a_guard_refuses_and_nothing_is_written(rm: Board, notes: Notes) -> None:
    async with rm.app().run_test(size=SIZE, message_hook=notes.hook) as pilot:
        await press_on(pilot, rm, "Plan without criteria", "a")

    assert rm.state_of("Plan without criteria") == "planning"
    assert rm.transitions() == []
    assert "acceptance criteria" in notes.last


async def test_f_forces_after_picking_and_confirming(rm: Board) -> None:
    async with rm.app().run_test(size=SIZE) as pilot:
        app = await press_on(pilot, rm, "Gave up", "f")
        assert isinstance(app.screen, ForcePickerScreen)
        await pilot.press("down", "enter")  # draft, planning
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert rm.transitions() == []  # nothing before the confirmation
        await pilot.press("y")
        await settle(pilot)
        await until(pilot, lambda: in_lane(app, "PLANNING", rm, "Gave up"))

    assert rm.state_of("Gave up") == "planning"
    ((title, from_state, to_state, trigger, metadata),) = rm.transitions()
    assert (title, from_state, to_state, trigger, metadata["by"]) == (
        "Gave up",
        "failed",
        "planning",
        "force",
        USER,
    )


async def test_a_card_moved_by_another_client_meanwhile_is_not_written(
    rm: Board, notes: Notes
) -> None:
    async with rm.app().run_test(size=SIZE, message_hook=notes.hook) as pilot:
        app = await loaded(pilot)
        assert board(app).select_card(rm.card_id("Plan with criteria"))
        await pilot.pause()
        # The orchestrator moves the card after the user saw it in planning.
        rm.write("UPDATE cards SET state = 'draft' WHERE title = 'Plan with criteria'")
        await pilot.press("a")
        await settle(pilot)

        assert rm.state_of("Plan with criteria") == "draft"
        assert rm.transitions() == []
        assert "moved to draft meanwhile" in notes.last
        assert "nothing was written" in notes.last
        # The reload after the refusal shows where the card really is.
        await until(pilot, lambda: in_lane(app, "DRAFT", rm, "Plan with criteria"))


async def test_a_decision_is_decided_from_its_dialog(rm: Board, notes: Notes) -> None:
    target = rm.id_of("decisions", "summary", "Retry or abandon?")
    async with rm.app().run_test(size=SIZE, message_hook=notes.hook) as pilot:
        view = await open_view(pilot, "decisions", DecisionsView)
        select_row(view, target)
        await pilot.press("enter")
        app = pilot.app
        await until(
            pilot, lambda: isinstance(app.screen, DecisionScreen) and app.screen.detail is not None
        )
        dialog = app.screen
        assert isinstance(dialog, DecisionScreen)
        await pilot.press("2")
        assert dialog.choice == "abandon"
        await pilot.press("tab", *"too flaky", "enter")
        await settle(pilot)

        assert app.screen is app.dashboard
        status, by, choice, comment, decided_at = rm.one(
            "SELECT status, decided_by, choice, comment, decided_at FROM decisions WHERE id = :i",
            i=target,
        )
        assert (status, by, choice, comment) == ("decided", USER, "abandon", "too flaky")
        assert decided_at is not None
        assert notes.last == "Decided: abandon"
        await until(pilot, lambda: target not in row_keys(view))  # pending only


def acknowledged(rm: Board) -> list[tuple[str, str | None]]:
    return sorted(
        (str(message), by)
        for message, by in rm.rows(
            "SELECT message, acknowledged_by FROM alerts WHERE acknowledged = 1"
        )
    )


async def test_x_acknowledges_the_selected_alert(rm: Board, notes: Notes) -> None:
    target = rm.id_of("alerts", "message", "Cost above budget")
    async with rm.app().run_test(size=SIZE, message_hook=notes.hook) as pilot:
        view = await open_view(pilot, "alerts", AlertsView)
        select_row(view, target)
        await pilot.press("x")
        await settle(pilot)
        await until(pilot, lambda: target not in row_keys(view))

        assert acknowledged(rm) == [("Cost above budget", USER), ("Seen already", "ann")]
        (at,) = rm.one("SELECT acknowledged_at FROM alerts WHERE id = :i", i=target)
        assert at is not None
        assert notes.last == "Acknowledged 1 alert."


async def test_big_x_acknowledges_every_alert_shown(rm: Board) -> None:
    async with rm.app().run_test(size=SIZE) as pilot:
        view = await open_view(pilot, "alerts", AlertsView)
        assert len(view.items) == 2
        await pilot.press("X")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot)
        await until(pilot, lambda: not view.items)

    assert acknowledged(rm) == [
        ("Cost above budget", USER),
        ("Loop stuck for 30 minutes", USER),
        ("Seen already", "ann"),
    ]


async def test_x_resolves_the_selected_error(rm: Board, notes: Notes) -> None:
    target = rm.id_of("errors", "message", "AssertionError: expected 200")
    async with rm.app().run_test(size=SIZE, message_hook=notes.hook) as pilot:
        view = await open_view(pilot, "errors", ErrorsView)
        select_row(view, target)
        await pilot.press("x")
        await settle(pilot)
        await until(pilot, lambda: target not in row_keys(view))

        resolved, resolved_at = rm.one(
            "SELECT resolved, resolved_at FROM errors WHERE id = :i", i=target
        )
        assert resolved == 1 and resolved_at is not None
        assert rm.one("SELECT count(*) FROM errors WHERE resolved = 0") == (1,)
        assert notes.last == "Error marked resolved."


async def test_the_filter_narrows_the_lanes(rm: Board) -> None:
    async with rm.app().run_test(size=SIZE) as pilot:
        app = await loaded(pilot)
        await pilot.press("slash", *"criteria")
        await settle(pilot)

        assert app.board_query.text == "criteria"
        assert selected_title(app) == "Plan with criteria"
        counts = {c.lane_name: c.lane.count for c in board(app).columns.values() if c.lane}
        assert counts["PLANNING"] == 2
        assert counts["DRAFT"] == 0 and counts["CODING"] == 0

        await pilot.press("escape")
        await settle(pilot)
        assert board(app).columns["DRAFT"].card_count == 2


# Another process commits one rename, with the engine's own driver, and exits.
RENAME = """
import sys
target, title = sys.argv[1], sys.argv[2]
if "://" in target:
    import psycopg
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute("UPDATE cards SET title = %s WHERE title = 'Write the plan'", (title,))
else:
    import sqlite3
    conn = sqlite3.connect(target, isolation_level=None, timeout=10)
    conn.execute("UPDATE cards SET title = ? WHERE title = 'Write the plan'", (title,))
    conn.close()
"""


async def test_another_process_s_commit_appears_without_a_key(rm: Board) -> None:
    app = rm.app(live=True)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert "Write the plan" in titles(app)
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-c", RENAME, rm.target, "Write the plan again"],
            check=False,
            timeout=30,
        )
        assert done.returncode == 0
        await until(pilot, lambda: "Write the plan again" in titles(app), SHOWN_WITHIN)
        assert "Write the plan again" in await screen_text(pilot)
    assert rm.state_of("Write the plan again") == "draft"

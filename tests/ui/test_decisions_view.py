"""The decisions view and dialog: most urgent first; pick, comment, confirm; written only
while pending (a decision auto-resolved after the dialog opened writes nothing and the
dialog says so); broken JSON shown raw; settled decisions behind a toggle."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from ringmaster_tui.ui.screens.decision_dialog import DEFAULT_MARK, DecisionScreen
from ringmaster_tui.ui.widgets.decisions_view import DecisionsView
from ringmaster_tui.ui.widgets.json_text import NOT_JSON_NOTE
from tests.builders import NOW, ago
from tests.ui.helpers import Notes, screen_text, settle, terminal_output, until, visible_text
from tests.ui.snap_apps import USER, make_app
from tests.ui.view_data import (
    build_views_board,
    id_of,
    one,
    open_view,
    other_writer,
    row_keys,
    select_row,
)

pytestmark = pytest.mark.anyio
SIZE = (120, 40)
ROW = "SELECT status, decided_by, choice, comment, decided_at FROM decisions WHERE id = ?"


@pytest.fixture
def views_db(tmp_path: Path) -> Path:
    db = tmp_path / "views.db"
    build_views_board(db)
    return db


async def open_dialog(pilot: Pilot[Any], db: Path, summary: str) -> DecisionScreen:
    """In the decisions view, enter on the decision `summary`; the dialog, once loaded."""
    view = await open_view(pilot, "decisions", DecisionsView)
    select_row(view, id_of(db, "decisions", "summary", summary))
    await pilot.press("enter")
    app = pilot.app
    await until(
        pilot, lambda: isinstance(app.screen, DecisionScreen) and app.screen.detail is not None
    )
    assert isinstance(app.screen, DecisionScreen)
    return app.screen


async def test_pending_decisions_most_urgent_first(views_db: Path) -> None:
    async with make_app(views_db).run_test(size=SIZE) as pilot:
        view = await open_view(pilot, "decisions", DecisionsView)
        text = await screen_text(pilot)

    assert [d.summary for d in view.items] == [
        "Retry or abandon?",
        "Pick a database",
        "Ship with [red]known[/red] flake?",
    ]
    line = next(x for x in text.splitlines() if "Retry or abandon?" in x)
    for part in ("5m", "architecture", "agent-1", "Fix flaky test", "retry"):
        assert part in line, part
    assert "3h50m" in next(x for x in text.splitlines() if "flake?" in x)


async def test_the_dialog_shows_everything_needed_to_decide(views_db: Path) -> None:
    async with make_app(views_db).run_test(size=SIZE) as pilot:
        await open_dialog(pilot, views_db, "Retry or abandon?")
        text = await screen_text(pilot)

    for part in (
        "Decision · architecture",
        "requested by agent-1 10m ago",
        "card Fix flaky test",
        "time left 5m00s",
        "Retry or abandon?",
        '"last_error": "Timeout in CI"',  # the context, as indented JSON
        f"1  retry  {DEFAULT_MARK}",
        "2  abandon",
        "Nothing picked yet.",
    ):
        assert part in text, part


async def test_pick_comment_confirm_writes_the_decision(views_db: Path, notes: Notes) -> None:
    target = id_of(views_db, "decisions", "summary", "Retry or abandon?")
    async with make_app(views_db).run_test(size=SIZE, message_hook=notes.hook) as pilot:
        dialog = await open_dialog(pilot, views_db, "Retry or abandon?")
        await pilot.press("2")
        assert dialog.choice == "abandon"
        await pilot.press("tab", *"too flaky", "enter")
        await settle(pilot)

        app = pilot.app
        assert app.screen is app.dashboard
        status, decided_by, choice, comment, decided_at = one(views_db, ROW, target)
        assert (status, decided_by, choice, comment) == ("decided", USER, "abandon", "too flaky")
        assert decided_at is not None
        assert notes.last == "Decided: abandon"
        view = app.dashboard.views["decisions"]
        await until(pilot, lambda: target not in row_keys(view))  # pending only


async def test_d_picks_the_default_and_no_comment_is_null(views_db: Path) -> None:
    target = id_of(views_db, "decisions", "summary", "Pick a database")
    async with make_app(views_db).run_test(size=SIZE) as pilot:
        await open_dialog(pilot, views_db, "Pick a database")
        await pilot.press("d", "enter")
        await settle(pilot)

    assert one(views_db, ROW, target)[:4] == ("decided", USER, "sqlite", None)


async def test_decided_meanwhile_writes_nothing_and_the_dialog_says_so(
    views_db: Path, notes: Notes
) -> None:
    target = id_of(views_db, "decisions", "summary", "Retry or abandon?")
    async with make_app(views_db).run_test(size=SIZE, message_hook=notes.hook) as pilot:
        dialog = await open_dialog(pilot, views_db, "Retry or abandon?")
        # The orchestrator's timeout fires while the dialog is open.
        other_writer(
            views_db,
            "UPDATE decisions SET status = 'auto_resolved', choice = 'retry', decided_at = ?"
            " WHERE id = ?",
            ago(seconds=1),
            target,
        )
        await pilot.press("2", "tab", *"mine", "enter")
        await settle(pilot)
        text = await screen_text(pilot)

        assert pilot.app.screen is dialog  # still open, saying what happened
        assert "auto_resolved" in text and "nothing was written" in text
        assert "settled meanwhile" in notes.last and "nothing was written" in notes.last
        row = one(views_db, ROW, target)
        assert row[:4] == ("auto_resolved", None, "retry", None)
        # Confirming again is refused at once.
        await pilot.press("enter")
        await settle(pilot)
        assert one(views_db, ROW, target) == row


async def test_escape_cancels_without_writing(views_db: Path) -> None:
    target = id_of(views_db, "decisions", "summary", "Retry or abandon?")
    async with make_app(views_db).run_test(size=SIZE) as pilot:
        await open_dialog(pilot, views_db, "Retry or abandon?")
        await pilot.press("1", "escape")
        await settle(pilot)
        app = pilot.app
        assert app.screen is app.dashboard

    assert one(views_db, ROW, target)[:4] == ("pending", None, None, None)


async def test_enter_without_a_pick_asks_for_one(views_db: Path) -> None:
    target = id_of(views_db, "decisions", "summary", "Retry or abandon?")
    async with make_app(views_db).run_test(size=SIZE) as pilot:
        await open_dialog(pilot, views_db, "Retry or abandon?")
        await pilot.press("enter", "9")
        await settle(pilot)
        text = await screen_text(pilot)

    assert "There is no option 9." in text
    assert one(views_db, ROW, target)[0] == "pending"


async def test_broken_json_is_shown_raw_and_the_default_can_be_chosen(views_db: Path) -> None:
    target = id_of(views_db, "decisions", "decision_type", "release")
    async with make_app(views_db).run_test(size=SIZE) as pilot:
        await open_dialog(pilot, views_db, "Ship with [red]known[/red] flake?")
        text = await screen_text(pilot)
        assert "The options do not parse as a JSON list; as stored:" in text
        assert '["ship", "wait"' in text
        assert NOT_JSON_NOTE in text and "not json at all" in text
        assert "Ship with [red]known[/red] flake?" in text  # markup shown as typed
        await pilot.press("1")  # no option to pick by number
        await pilot.press("d", "enter")
        await settle(pilot)

    assert one(views_db, ROW, target)[:3] == ("decided", USER, "wait")


@pytest.mark.parametrize(
    "options",
    ['{"not": "a list"}', "[" * 100_000, "null", ""],
    ids=["object", "too-deep", "null", "empty"],
)
async def test_options_that_are_no_list_never_crash(tmp_path: Path, options: str) -> None:
    db = tmp_path / "odd.db"
    build_views_board(db)
    other_writer(db, "UPDATE decisions SET options = ? WHERE summary = 'Pick a database'", options)
    async with make_app(db).run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, db, "Pick a database")
        await pilot.press("d")

    assert dialog.choice == "sqlite"


async def test_settled_decisions_behind_a_toggle(views_db: Path) -> None:
    decided = id_of(views_db, "decisions", "summary", "Old question")
    async with make_app(views_db).run_test(size=SIZE) as pilot:
        view = await open_view(pilot, "decisions", DecisionsView)
        await pilot.press("t")
        await until(pilot, lambda: len(view.items) == 5)
        text = await screen_text(pilot)
        assert [d.status for d in view.items][3:] == ["decided", "expired"]
        assert "decided → a" in text
        assert "expired" in text

        dialog = await open_dialog(pilot, views_db, "Old question")
        await pilot.press("1", "enter")
        await settle(pilot)
        assert pilot.app.screen is dialog
        assert "there is nothing to decide" in await screen_text(pilot)
        await pilot.press("escape", "t")
        await until(pilot, lambda: len(view.items) == 3)

    assert one(views_db, ROW, decided)[:3] == ("decided", "ann", "a")


async def test_the_time_left_counts_down(views_db: Path) -> None:
    moment = [NOW]
    app = make_app(views_db)
    app.clock = lambda: moment[0]
    async with app.run_test(size=SIZE) as pilot:
        await open_dialog(pilot, views_db, "Retry or abandon?")
        assert "time left 5m00s" in await screen_text(pilot)
        moment[0] = NOW + timedelta(seconds=75)
        await until(pilot, lambda: "time left 3m45s" in visible_text(terminal_output(app)))
        moment[0] = NOW + timedelta(minutes=6)
        await until(pilot, lambda: "time is up (1m ago)" in visible_text(terminal_output(app)))
        # The list too, its cells updated in place on the next load.
        await pilot.press("escape")
        view = app.dashboard.views["decisions"]
        key = id_of(views_db, "decisions", "summary", "Retry or abandon?")
        app.request_reload()
        await until(pilot, lambda: view.table.get_cell(key, "left").plain == "overdue 1m")
        assert view.table.get_cell(key, "summary").plain == "Retry or abandon?"

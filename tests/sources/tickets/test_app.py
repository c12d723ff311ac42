"""The dashboard on a ticket-system database written by a second process: every view,
the ticket detail, and every action through its keys, its question and (send back) its
picker, checked in the database itself; races with the orchestrator, and read-only."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from ringmaster_tui.domain.workflow import OTHER_LANE
from ringmaster_tui.ui.screens.card_detail import CardDetailScreen
from ringmaster_tui.ui.screens.force_picker import ForcePickerScreen
from ringmaster_tui.ui.screens.prompt import PromptScreen
from ringmaster_tui.ui.widgets.paste_input import PasteInput
from tests.sources.tickets.app_helpers import (
    comments_of,
    make_app,
    on_card,
    one,
    open_table,
    shown,
    write_as_orchestrator,
)
from tests.ui.helpers import Notes, board, loaded, settle, terminal_output, until

pytestmark = pytest.mark.anyio
SIZE = (120, 40)


async def answer(pilot: Pilot[Any], text: str) -> None:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, PromptScreen))
    await pilot.press(*text, "enter")
    await settle(pilot)


async def detail_of(pilot: Pilot[Any], ticket_id: str) -> None:
    app = pilot.app
    await until(
        pilot,
        lambda: (
            isinstance(app.screen, CardDetailScreen)
            and app.screen.detail is not None
            and app.screen.detail.id == ticket_id
        ),
    )


async def test_the_board_and_the_workers_and_events_views(tickets_db: Path) -> None:
    async with make_app(tickets_db).run_test(size=SIZE) as pilot:
        app = await loaded(pilot)
        assert tuple(board(app).columns)[:7] == (
            "Planned",
            "planner",
            "coder",
            "reviewer",
            "tester",
            "Done",
            "Closed",
        )
        # Text from the database is shown as it is, not as markup.
        await shown(pilot, "coder 1", "reviewer 2", "A-2 1/4 20m @coder-1", "Fix [red]markup[/red")

        workers = await open_table(pilot, "loops")
        assert [row.id for row in workers.items][:2] == ["coder-1", "coder-5"]
        await shown(pilot, f"{os.getpid()} alive", "coder:A-2", "6 workers · 2 active · 1 stalled")

        events = await open_table(pilot, "events")
        assert [row.seen for row in events.items] == ["unprocessed", "processed"]
        await shown(pilot, "2 events · 1 unprocessed")
        await pilot.press("slash", *"completed", "enter")
        await until(pilot, lambda: [row.seen for row in events.items] == ["processed"])


async def test_escape_sequences_in_a_title_are_shown_not_sent(tickets_db: Path) -> None:
    async with make_app(tickets_db).run_test(size=SIZE) as pilot:
        app = await loaded(pilot)
        await pilot.press("slash", *"old plan", "enter")
        await until(pilot, lambda: board(app).columns[OTHER_LANE].index_of("B-4") is not None)
        await shown(pilot, "␛]2;owned␇", "designer (not in pla")
        assert "\x1b]2;" not in terminal_output(app) and "\x07" not in terminal_output(app)


async def test_problems_and_the_ticket_detail(tickets_db: Path) -> None:
    async with make_app(tickets_db).run_test(size=SIZE) as pilot:
        problems = await open_table(pilot, "problems")
        await shown(pilot, "worker failed", "exited with code 1: tests failed", "ticket stalled")
        problems.table.move_cursor(row=problems.table.get_row_index("ticket:A-1"))
        await pilot.press("enter")
        await detail_of(pilot, "A-1")
        await pilot.press("escape", "1")
        await on_card(pilot, "A-2")
        await pilot.press("enter")
        await detail_of(pilot, "A-2")
        await shown(
            pilot,
            "Execution plan (1 of 4 done)",
            "Comments · 2 · coder (2)",
            "Token model done",
            "Events naming it (1)",
        )


async def test_c_comments_and_an_answer_is_needed(tickets_db: Path, notes: Notes) -> None:
    before = comments_of(tickets_db, "A-2")
    async with make_app(tickets_db).run_test(size=SIZE, message_hook=notes.hook) as pilot:
        app = await on_card(pilot, "A-2")
        # Escape: nothing written.
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press("escape")
        await settle(pilot)
        assert comments_of(tickets_db, "A-2") == before
        # An empty answer is refused; the question stays.
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))
        await shown(pilot, "Comment “Add password reset”")
        await pilot.press("space", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        assert "answer is needed" in notes.last
        await answer(pilot, "Mind the [b]expiry[/b]")
    assert comments_of(tickets_db, "A-2")[-1] == ("human", "ann", 2, "Mind the [b]expiry[/b]")
    assert "Comment added" in notes.last


async def test_shift_a_closes_then_a_reopens(tickets_db: Path) -> None:
    async with make_app(tickets_db).run_test(size=SIZE) as pilot:
        app = await on_card(pilot, "A-4")
        await pilot.press("A")
        await answer(pilot, "shipped in 2.3")
        await until(pilot, lambda: board(app).columns["Closed"].index_of("A-4") is not None)
        assert one(tickets_db, "SELECT closed_at IS NOT NULL FROM tickets WHERE ticket_id='A-4'")[0]
        assert comments_of(tickets_db, "A-4")[-1] == (
            "human",
            "ann",
            4,
            "Closed by ann: shipped in 2.3",
        )

        assert board(app).select_card("A-4")
        await pilot.pause()
        await pilot.press("a")
        await answer(pilot, "it came back")
        await until(pilot, lambda: board(app).columns["Done"].index_of("A-4") is not None)
    assert one(tickets_db, "SELECT closed_at FROM tickets WHERE ticket_id='A-4'") == (None,)
    assert comments_of(tickets_db, "A-4")[-1][3] == "Reopened by ann: it came back"


async def test_r_picks_an_earlier_stage_then_asks_why(tickets_db: Path, notes: Notes) -> None:
    before = comments_of(tickets_db, "A-3")
    async with make_app(tickets_db).run_test(size=SIZE, message_hook=notes.hook) as pilot:
        app = await on_card(pilot, "A-3")
        # Escape in the picker: nothing written.
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ForcePickerScreen))
        await pilot.press("escape")
        await settle(pilot)
        assert comments_of(tickets_db, "A-3") == before

        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ForcePickerScreen))
        picker = app.screen
        assert isinstance(picker, ForcePickerScreen)
        assert picker.targets == ("planner", "coder")
        await shown(pilot, "Send back “Fix", "enter picks · escape cancels")
        await pilot.press("j", "enter")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))
        await shown(pilot, "Why send it back?")
        await answer(pilot, "the diff misses a case")
        await until(pilot, lambda: board(app).columns["coder"].index_of("A-3") is not None)
    assert one(tickets_db, "SELECT last_completed_stage FROM tickets WHERE ticket_id='A-3'") == (
        "planner",
    )
    assert comments_of(tickets_db, "A-3")[-1] == (
        "human",
        "ann",
        2,
        "Sent back to coder by ann: the diff misses a case",
    )
    assert "sent back to coder" in notes.last


async def test_r_at_a_plans_first_stage_has_nowhere_to_go(tickets_db: Path, notes: Notes) -> None:
    async with make_app(tickets_db).run_test(size=SIZE, message_hook=notes.hook) as pilot:
        app = await on_card(pilot, "A-1")
        await pilot.press("r")
        await until(pilot, lambda: "Nowhere to send back" in notes.last)
        assert not isinstance(app.screen, ForcePickerScreen)
        # A paste into the question is one answer, not keys.
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))
        app.screen.query_one(PasteInput).insert_text_at_cursor("pasted words")
        await pilot.press("enter")
        await settle(pilot)
    assert comments_of(tickets_db, "A-1")[-1] == ("human", "ann", 1, "pasted words")


async def test_the_orchestrator_moves_the_ticket_while_the_user_writes(
    tickets_db: Path, notes: Notes
) -> None:
    before = comments_of(tickets_db, "A-3")
    async with make_app(tickets_db).run_test(size=SIZE, message_hook=notes.hook) as pilot:
        app = await on_card(pilot, "A-3")
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ForcePickerScreen))
        await pilot.press("enter")  # planner
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))
        write_as_orchestrator(
            tickets_db,
            "UPDATE tickets SET last_completed_stage = 'reviewer' WHERE ticket_id = ?",
            "A-3",
        )
        await answer(pilot, "redo the plan")
        await until(pilot, lambda: "meanwhile" in notes.last)
    assert "moved to tester meanwhile (you saw reviewer)" in notes.last
    assert "redo the plan" in notes.last  # what the user wrote is not lost
    assert comments_of(tickets_db, "A-3") == before
    assert one(tickets_db, "SELECT last_completed_stage FROM tickets WHERE ticket_id='A-3'") == (
        "reviewer",
    )


async def test_the_board_follows_the_orchestrators_commits(tickets_db: Path) -> None:
    async with make_app(tickets_db, live=True).run_test(size=SIZE) as pilot:
        app = await loaded(pilot)
        write_as_orchestrator(
            tickets_db,
            "UPDATE tickets SET last_completed_stage = 'coder' WHERE ticket_id = ?",
            "A-2",
        )
        await until(
            pilot, lambda: board(app).columns["reviewer"].index_of("A-2") is not None, timeout=10
        )


async def test_read_only_refuses_the_keys(tickets_db: Path, notes: Notes) -> None:
    before = comments_of(tickets_db, "A-2")
    async with make_app(tickets_db, read_only=True).run_test(
        size=SIZE, message_hook=notes.hook
    ) as pilot:
        app = await on_card(pilot, "A-2")
        for key in ("c", "A", "r"):
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, (PromptScreen, ForcePickerScreen))
        assert "read-only" in notes.last
    assert comments_of(tickets_db, "A-2") == before

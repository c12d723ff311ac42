"""The dashboard on an episodes store, driven with Pilot: every view, every action, and
the live tail following a second process that writes steps."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from ringmaster_tui.domain.views import SectionedDetail
from ringmaster_tui.ui.screens.card_detail import CardDetailScreen
from ringmaster_tui.ui.screens.confirm import ConfirmScreen
from ringmaster_tui.ui.screens.project_picker import ProjectPickerScreen
from ringmaster_tui.ui.screens.prompt import PromptScreen
from tests.sources.episodes.apps import (
    first_snapshot,
    keys_of,
    make_app,
    open_table,
    select,
    wait_for,
)
from tests.sources.episodes.test_actions import row
from tests.ui.helpers import Notes, board, settle

pytestmark = pytest.mark.anyio


def status(db: Path, episode_id: str) -> str:
    return row(db, episode_id)[0]


async def test_the_board_shows_the_lanes_and_the_picker_limits_it_to_a_domain(
    store: Path,
) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await first_snapshot(pilot)
        shown = {
            name: column.lane.count
            for name, column in board(app).columns.items()
            if column.display and column.lane is not None
        }
        assert shown == {"ACTIVE": 3, "COMPLETED": 2, "FAILED": 1}
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, ProjectPickerScreen))
        await pilot.press("down", "down", "enter")  # All, auth, billing
        await wait_for(pilot, lambda: app.board_query.project_id == "billing")
        await settle(pilot)
        assert app.snapshot is not None
        assert [c.id for lane in app.snapshot.lanes for c in lane.cards] == [
            "e-quiet",
            "e-coupon",
            "e-vat",
        ]


async def test_archive_on_the_board_asks_why_and_records_it(store: Path) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await first_snapshot(pilot)
        assert board(app).select_card("e-done")
        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press(*"shipped", "enter")
        await settle(pilot)
    status_now, metadata, _ = row(store, "e-done")
    assert status_now == "archived"
    assert isinstance(metadata, dict) and metadata["archived_by"] == "ann"


async def test_escape_at_the_question_writes_nothing(store: Path) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await first_snapshot(pilot)
        assert board(app).select_card("e-stuck")
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press("escape")
        await settle(pilot)
    assert status(store, "e-stuck") == "active"


async def test_reject_marks_a_stalled_episode_failed_and_refuses_a_live_one(
    store: Path,
) -> None:
    app = make_app(store)
    notes = Notes()
    async with app.run_test(size=(120, 40), message_hook=notes.hook) as pilot:
        await first_snapshot(pilot)
        assert board(app).select_card("e-stuck")
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press(*"loop died", "enter")
        await settle(pilot)
        assert status(store, "e-stuck") == "failed"
        assert board(app).select_card("e-login")
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press(*"why not", "enter")
        await settle(pilot)
        assert "its last step was 1m ago" in notes.last
        assert board(app).select_card("e-done")
        await pilot.press("r")
        await settle(pilot)
        assert notes.last.startswith("Nothing to reject")
    assert status(store, "e-login") == "active" and status(store, "e-done") == "completed"


async def test_the_live_view_marks_a_stalled_episode_failed_after_confirming(
    store: Path,
) -> None:
    app = make_app(store)
    notes = Notes()
    async with app.run_test(size=(120, 40), message_hook=notes.hook) as pilot:
        view = await open_table(pilot, "loops")
        assert keys_of(view)[0] == "e:e-login"
        select(view, "e:e-login")
        await pilot.press("r")
        await settle(pilot)
        assert "applies to stalled rows" in notes.last
        select(view, "s:e-stuck-s1")  # a step row stands for its episode
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot)
        await wait_for(pilot, lambda: "e:e-stuck" not in keys_of(view))
    assert status(store, "e-stuck") == "failed"


async def test_enter_on_a_live_row_opens_its_episode(store: Path) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_table(pilot, "loops")
        select(view, "s:e-login-s4")
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, CardDetailScreen)
                and isinstance(app.screen.detail, SectionedDetail)
            ),
        )
        assert isinstance(app.screen, CardDetailScreen)
        detail = app.screen.detail
        assert isinstance(detail, SectionedDetail) and detail.id == "e-login"


async def test_the_patterns_view_toggles_its_order_and_filters_pattern_data(
    store: Path,
) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_table(pilot, "patterns")
        assert keys_of(view) == ["p-vat", "p-retry", "p-cache", "p-seq"]
        await pilot.press("u")
        await wait_for(pilot, lambda: keys_of(view) == ["p-retry", "p-vat", "p-cache", "p-seq"])
        await pilot.press("slash", *"decimal")
        await wait_for(pilot, lambda: keys_of(view) == ["p-vat"])


async def test_the_problems_view_archives_a_failed_episode_after_confirming(
    store: Path,
) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_table(pilot, "problems")
        assert keys_of(view)[:3] == ["s:e-login-s3", "s:e-stuck-s2", "e:e-vat"]
        select(view, "e:e-vat")
        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot)
    assert status(store, "e-vat") == "archived"


async def test_a_read_only_store_disables_the_actions(store: Path) -> None:
    app = make_app(store, read_only=True)
    notes = Notes()
    async with app.run_test(size=(120, 40), message_hook=notes.hook) as pilot:
        await first_snapshot(pilot)
        assert board(app).select_card("e-done")
        await pilot.press("A")
        await settle(pilot)
        assert "read-only" in notes.last
    assert status(store, "e-done") == "completed"


# A second process: the agent writing steps. On each line "N" it adds step N to e-login
# in one commit, then answers "N".
AGENT = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
for line in sys.stdin:
    n = int(line)
    conn.execute(
        "INSERT INTO steps (id, episode_id, step_number, action, result, success, timestamp) "
        "VALUES (?, 'e-login', ?, 'run_tests', 'written live', 1, '2026-01-15 11:59:50')",
        (f"live-{n}", n),
    )
    print(n, flush=True)
"""


async def test_the_live_tail_shows_new_steps_as_the_agent_writes_them(store: Path) -> None:
    with closing(sqlite3.connect(store)) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
    agent = subprocess.Popen(
        [sys.executable, "-c", AGENT, str(store)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert agent.stdin is not None and agent.stdout is not None
    app = make_app(store, live=True)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            view = await open_table(pilot, "loops")
            assert "s:live-6" not in keys_of(view)
            for n in (6, 7):
                agent.stdin.write(f"{n}\n")
                agent.stdin.flush()
                assert agent.stdout.readline().strip() == str(n)
                await wait_for(pilot, lambda n=n: f"s:live-{n}" in keys_of(view))
            assert keys_of(view)[:4] == ["e:e-login", "s:e-login-s5", "s:live-6", "s:live-7"]
    finally:
        agent.stdin.close()
        agent.wait(timeout=10)

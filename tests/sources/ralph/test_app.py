"""The dashboard on a Ralph database written by another process: the board follows its
commits, every view draws, and every key writes what it says, checked in the file."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from ringmaster_tui.config import Settings
from ringmaster_tui.domain.views import SectionedDetail
from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.ui.app import RingmasterApp
from ringmaster_tui.ui.screens.card_detail import CardDetailScreen
from ringmaster_tui.ui.screens.confirm import ConfirmScreen
from ringmaster_tui.ui.screens.project_picker import ProjectPickerScreen
from ringmaster_tui.ui.screens.prompt import PromptScreen
from ringmaster_tui.ui.widgets.table_view import TableListView
from tests.builders import NOW
from tests.sources.ralph.ralph_db import story_pk
from tests.ui.helpers import Notes, board, loaded, screen_text, settle, until
from tests.ui.view_data import select_row

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parents[3]
USER = "ann"

# A second process: builds the database, then on each line "STATUS TITLE" from stdin sets
# that story's status in one commit and answers "ok".
WRITER = """
import sqlite3, sys
from pathlib import Path
from tests.sources.ralph.ralph_db import build_ralph_db
build_ralph_db(Path(sys.argv[1]))
print("built", flush=True)
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
for line in sys.stdin:
    status, title = line.rstrip("\\n").split(" ", 1)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE stories SET status = ? WHERE title = ?", (status, title))
    conn.execute("COMMIT")
    print("ok", flush=True)
"""


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    path = tmp_path / "ralph.db"
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "built"
    yield path, process
    assert process.stdin is not None
    process.stdin.close()
    process.wait(timeout=10)


@pytest.fixture
def db(writer: tuple[Path, subprocess.Popen[str]]) -> Path:
    return writer[0]


def make_app(db: Path, *, live: bool = False) -> RingmasterApp:
    source = open_source(db, user=USER)
    settings = Settings(db=str(db), user=USER, bell=False)
    return RingmasterApp(source, settings, clock=lambda: NOW, animate=False, live=live)


def _one(db: Path, sql: str, *params: object) -> Any:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql, params).fetchone()


async def press_on(pilot: Pilot[Any], card: str, *keys: str) -> RingmasterApp:
    app = await loaded(pilot)
    assert board(app).select_card(card)
    await pilot.pause()
    await pilot.press(*keys)
    await settle(pilot)
    return app


async def test_the_board_follows_the_other_process(
    writer: tuple[Path, subprocess.Popen[str]],
) -> None:
    path, process = writer
    async with make_app(path, live=True).run_test(size=(120, 40)) as pilot:
        app = await loaded(pilot)
        assert "Sync queue" in await screen_text(pilot)
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write("review Sync queue\n")
        process.stdin.flush()
        assert process.stdout.readline().strip() == "ok"

        def in_review() -> bool:
            snapshot = app.snapshot
            lanes = {lane.name: lane for lane in snapshot.lanes} if snapshot else {}
            return "REVIEW" in lanes and any(c.title == "Sync queue" for c in lanes["REVIEW"].cards)

        await until(pilot, in_review, timeout=10)


async def test_a_approves_a_story_in_review(db: Path, notes: Notes) -> None:
    pk = story_pk(db, "US-002", 1)
    async with make_app(db).run_test(size=(120, 40), message_hook=notes.hook) as pilot:
        await press_on(pilot, pk, "a")
    assert _one(db, "SELECT status FROM stories WHERE id = ?", pk) == ("testing",)
    assert _one(db, "SELECT action, agent FROM story_history ORDER BY id DESC LIMIT 1") == (
        "approve",
        USER,
    )
    assert "review → testing" in notes.last


async def test_r_sends_a_story_back_with_the_note_typed(db: Path) -> None:
    pk = story_pk(db, "US-002", 2)
    async with make_app(db).run_test(size=(120, 40)) as pilot:
        app = await press_on(pilot, pk, "r")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press(*"Filters ignore case", "enter")
        await settle(pilot)
    assert _one(db, "SELECT status FROM stories WHERE id = ?", pk) == ("rework",)
    assert _one(db, "SELECT action, agent, notes FROM story_history ORDER BY id DESC LIMIT 1") == (
        "send_back",
        USER,
        "Filters ignore case",
    )


async def test_a_retries_a_failed_story(db: Path) -> None:
    pk = story_pk(db, "US-004", 1)
    async with make_app(db).run_test(size=(120, 40)) as pilot:
        await press_on(pilot, pk, "a")
    assert _one(db, "SELECT status FROM stories WHERE id = ?", pk) == ("pending",)


async def test_a_story_moved_by_the_orchestrator_meanwhile_is_not_written(
    writer: tuple[Path, subprocess.Popen[str]], notes: Notes
) -> None:
    path, process = writer
    pk = story_pk(path, "US-002", 1)
    async with make_app(path).run_test(size=(120, 40), message_hook=notes.hook) as pilot:
        app = await loaded(pilot)
        assert board(app).select_card(pk)
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write("done Payment intent endpoint\n")
        process.stdin.flush()
        assert process.stdout.readline().strip() == "ok"
        await pilot.press("a")
        await settle(pilot)
    assert _one(path, "SELECT status FROM stories WHERE id = ?", pk) == ("done",)
    assert "nothing was written" in " ".join(notes.messages)


async def open_table(pilot: Pilot[Any], key: str, view_id: str) -> TableListView:
    app = await loaded(pilot)
    await pilot.press(key)
    view = app.dashboard.views[view_id]
    assert isinstance(view, TableListView)
    await until(pilot, lambda: view.snapshot is not None and view_id in view.snapshot.tables)
    await until(pilot, lambda: view.table.row_count == len(view.items) > 0)
    await pilot.pause()
    return view


async def test_loops_pauses_and_resumes_a_project_after_confirmation(db: Path) -> None:
    async with make_app(db).run_test(size=(120, 40)) as pilot:
        app = pilot.app
        view = await open_table(pilot, "2", "loops")
        text = await screen_text(pilot)
        assert "Shopfront" in text and "developer on US-003 Checkout form" in text
        select_row(view, "project:1")
        await pilot.press("P")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot)
        assert _one(db, "SELECT status FROM projects WHERE id = 1") == ("paused",)
        source, metadata = _one(
            db, "SELECT source, metadata FROM system_logs ORDER BY id DESC LIMIT 1"
        )
        assert source == "ringmaster-tui" and json.loads(metadata)["user"] == USER
        await until(
            pilot, lambda: any(r.seen == "paused" and r.id == "project:1" for r in view.items)
        )
        select_row(view, "project:1")
        await pilot.press("R")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot)
    assert _one(db, "SELECT status FROM projects WHERE id = 1") == ("running",)


async def test_pause_on_a_paused_project_is_refused_without_writing(db: Path, notes: Notes) -> None:
    async with make_app(db).run_test(size=(120, 40), message_hook=notes.hook) as pilot:
        view = await open_table(pilot, "2", "loops")
        select_row(view, "project:2")
        await pilot.press("P")
        await settle(pilot)
    assert _one(db, "SELECT status FROM projects WHERE id = 2") == ("paused",)
    assert "applies to running rows" in notes.last


async def test_problems_lists_them_and_opens_the_story(db: Path) -> None:
    async with make_app(db).run_test(size=(120, 40)) as pilot:
        app = pilot.app
        view = await open_table(pilot, "3", "problems")
        text = await screen_text(pilot)
        assert "Worker 2 lost its lease" in text and "gate failed" in text
        assert "\x1b]2;" not in text  # the escape sequence in an error message is defused
        select_row(view, "run:3")
        await pilot.press("enter")
        await until(
            pilot,
            lambda: isinstance(app.screen, CardDetailScreen) and app.screen.detail is not None,
        )
        assert isinstance(app.screen, CardDetailScreen)
        detail = app.screen.detail
        assert isinstance(detail, SectionedDetail) and detail.title == "Receipt email"


async def test_enter_opens_the_story_detail(db: Path) -> None:
    pk = story_pk(db, "US-002", 1)
    async with make_app(db).run_test(size=(120, 40)) as pilot:
        app = await press_on(pilot, pk, "enter")
        await until(
            pilot,
            lambda: isinstance(app.screen, CardDetailScreen) and app.screen.detail is not None,
        )
        text = await screen_text(pilot)
        for heading in ("Acceptance criteria (2)", "Dependencies (1, 0 not done)", "History"):
            assert heading in text


async def test_the_picker_limits_the_board_to_a_feature(db: Path) -> None:
    async with make_app(db).run_test(size=(120, 40)) as pilot:
        app = await loaded(pilot)
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, ProjectPickerScreen))
        options = app.screen.query_one(OptionList)
        assert "Shopfront / Search · 0/3 ≠ stories 1/2" in await screen_text(pilot)
        options.highlighted = options.get_option_index("feature:2")
        await pilot.press("enter")
        await until(
            pilot, lambda: app.snapshot is not None and app.snapshot.query.project_id == "feature:2"
        )
        snapshot = app.snapshot
        assert snapshot is not None
        titles = {c.title for lane in snapshot.lanes for c in lane.cards}
        assert titles == {"Search index", "Search API [red]filters[/red]"}

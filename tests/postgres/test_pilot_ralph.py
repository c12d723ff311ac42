"""The Ralph-Advanced source's user flows through the real app (Pilot), on both engines
with the same assertions: the board's lanes and counts; every view drawn; approving a
story in review, sending one back with the note typed, retrying a failed one, each
written with its history row; pausing and resuming a project from the loops view after
confirmation; the feature picker; a story's detail; a lost race refused with nothing
written; another process's commit reaching the screen by itself."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from textual.pilot import Pilot
from textual.widgets import OptionList

from ringmaster_tui.domain.views import SectionedDetail
from ringmaster_tui.sources.ralph.kind import RALPH
from ringmaster_tui.sources.registry import create_source_database
from ringmaster_tui.ui.app import RingmasterApp
from ringmaster_tui.ui.screens.card_detail import CardDetailScreen
from ringmaster_tui.ui.screens.confirm import ConfirmScreen
from ringmaster_tui.ui.screens.project_picker import ProjectPickerScreen
from ringmaster_tui.ui.screens.prompt import PromptScreen
from ringmaster_tui.ui.widgets.table_view import TableListView
from tests.postgres.cluster import Cluster
from tests.postgres.data import copy_sqlite_into, pg_engine
from tests.postgres.pilot_board import ENGINES, USER, EngineDb
from tests.sources.ralph.ralph_db import build_ralph_db
from tests.ui.helpers import Notes, board, loaded, screen_text, settle, until
from tests.ui.test_live import SHOWN_WITHIN
from tests.ui.view_data import select_row

pytestmark = pytest.mark.anyio
SIZE = (120, 40)
WIDE = (250, 40)


class RalphDb(EngineDb):
    """The Ralph database, on either engine."""

    def story_pk(self, story_id: str, feature: int) -> str:
        (pk,) = self.one(
            "SELECT id FROM stories WHERE story_id = :s AND feature_id = :f", s=story_id, f=feature
        )
        return str(pk)

    def status_of(self, pk: str) -> str:
        return str(self.one("SELECT status FROM stories WHERE id = :i", i=int(pk))[0])

    def last_history(self) -> tuple[Any, ...]:
        return self.one(
            "SELECT story_id, action, agent, notes FROM story_history ORDER BY id DESC LIMIT 1"
        )

    def history_count(self) -> int:
        return int(self.one("SELECT count(*) FROM story_history")[0])


@pytest.fixture(scope="module")
def ralph_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_ralph_db(tmp_path_factory.mktemp("ralph_pilot") / "ralph.db")


@pytest.fixture(scope="module")
def ralph_pilot_template(pg_cluster: Cluster, ralph_file: Path) -> str:
    name = pg_cluster.new_database("ralph_pilot_template")
    url = pg_cluster.url(name, password="postgres")
    create_source_database(url, RALPH)
    copy_sqlite_into(ralph_file, url)
    return name


@pytest.fixture(params=ENGINES)
def ralph(request: pytest.FixtureRequest, ralph_file: Path, tmp_path: Path) -> Iterator[RalphDb]:
    """A fresh copy of the Ralph test database (tests/sources/ralph/ralph_db.py) on the
    engine `request.param`."""
    if request.param == "sqlite":
        path = tmp_path / "ralph.db"
        shutil.copyfile(ralph_file, path)
        target = str(path)
        engine = sa.create_engine(f"sqlite:///{path}", poolclass=sa.pool.NullPool)
    else:
        cluster: Cluster = request.getfixturevalue("pg_cluster")
        template: str = request.getfixturevalue("ralph_pilot_template")
        target = cluster.url(
            cluster.new_database("ralph_pilot", template=template), password="postgres"
        )
        engine = pg_engine(target)
    try:
        yield RalphDb(target, engine)
    finally:
        engine.dispose()


@pytest.fixture
def notes() -> Notes:
    return Notes()


async def press_on(pilot: Pilot[Any], card: str, *keys: str) -> RingmasterApp:
    """Select the story `card`, press `keys`, wait for the write and the reload."""
    app = await loaded(pilot)
    assert board(app).select_card(card)
    await pilot.pause()
    await pilot.press(*keys)
    await settle(pilot)
    return app


def lane_titles(app: RingmasterApp, lane: str) -> set[str]:
    snapshot = app.snapshot
    lanes = {view.name: view for view in snapshot.lanes} if snapshot else {}
    return {card.title for card in lanes[lane].cards} if lane in lanes else set()


async def open_table(pilot: Pilot[Any], key: str, view_id: str) -> TableListView:
    app = await loaded(pilot)
    await pilot.press(key)
    view = app.dashboard.views[view_id]
    assert isinstance(view, TableListView)
    await until(pilot, lambda: view.snapshot is not None and view_id in view.snapshot.tables)
    await until(pilot, lambda: view.table.row_count == len(view.items) > 0)
    await pilot.pause()
    return view


async def test_the_board_draws_its_lanes_and_counts(ralph: RalphDb) -> None:
    async with ralph.app().run_test(size=WIDE) as pilot:
        app = await loaded(pilot)
        text = await screen_text(pilot)
        snapshot = app.snapshot
        assert snapshot is not None
        counts = {lane.name: lane.count for lane in snapshot.lanes}

    assert counts == {
        "PENDING": 1,
        "IN PROGRESS": 1,
        "REVIEW": 1,
        "TESTING": 1,
        "REWORK": 1,
        "DONE": 2,
        "FAILED": 1,
        "OTHER": 1,  # the unknown status `parked`
    }
    for name, count in counts.items():
        assert f"{name} {count}" in text, name
    assert "loops 1" in text.splitlines()[0]
    for title in ("Payment intent endpoint", "Receipt email", "Sync queue", "Conflict banner"):
        assert title in text, title
    assert "Search API [red]filters" in text  # markup in a title is shown as text
    assert "SECRETxHASH" not in text
    assert "postgres:postgres@" not in text  # a URL is shown without its password


async def test_every_view_draws(ralph: RalphDb) -> None:
    async with ralph.app().run_test(size=SIZE) as pilot:
        app = await loaded(pilot)
        await open_table(pilot, "2", "loops")
        loops = await screen_text(pilot)
        problems_view = await open_table(pilot, "3", "problems")
        problems = await screen_text(pilot)
        select_row(problems_view, "run:3")  # the failed run opens its story
        await pilot.press("enter")
        await until(
            pilot,
            lambda: isinstance(app.screen, CardDetailScreen) and app.screen.detail is not None,
        )
        assert isinstance(app.screen, CardDetailScreen)
        detail = app.screen.detail
        assert isinstance(detail, SectionedDetail) and detail.title == "Receipt email"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.dashboard)
        await pilot.press("1")
        await settle(pilot)
        board_text = await screen_text(pilot)

    assert "Shopfront" in loops and "Field App" in loops
    assert "developer on US-003 Checkout form" in loops
    assert "Worker 2 lost its lease" in problems and "gate failed" in problems
    assert "\x1b]2;" not in problems  # the escape sequence in an error message is defused
    assert "Payment intent" in board_text and "Sync queue" in board_text


async def test_a_approves_a_story_in_review_and_retries_a_failed_one(
    ralph: RalphDb, notes: Notes
) -> None:
    pk = ralph.story_pk("US-002", 1)
    failed = ralph.story_pk("US-004", 1)
    async with ralph.app().run_test(size=SIZE, message_hook=notes.hook) as pilot:
        app = await press_on(pilot, pk, "a")
        assert ralph.status_of(pk) == "testing"
        assert ralph.last_history() == (int(pk), "approve", USER, None)
        assert "review → testing" in notes.last
        await until(pilot, lambda: "Payment intent endpoint" in lane_titles(app, "TESTING"))

        await press_on(pilot, failed, "a")
        assert ralph.status_of(failed) == "pending"
        story, action, agent, _ = ralph.last_history()
        assert (story, agent) == (int(failed), USER) and action != "approve"
        assert "failed → pending" in notes.last
        await until(pilot, lambda: "Receipt email" in lane_titles(app, "PENDING"))


async def test_r_sends_a_story_back_with_the_note_typed(ralph: RalphDb) -> None:
    pk = ralph.story_pk("US-002", 1)
    before = ralph.history_count()
    async with ralph.app().run_test(size=SIZE) as pilot:
        app = await press_on(pilot, pk, "r")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))
        assert ralph.history_count() == before  # nothing before the note is given
        await pilot.press(*"Filters ignore case", "enter")
        await settle(pilot)

    assert ralph.status_of(pk) == "rework"
    assert ralph.last_history() == (int(pk), "send_back", USER, "Filters ignore case")
    assert ralph.history_count() == before + 1


async def test_a_story_moved_meanwhile_is_not_written(ralph: RalphDb, notes: Notes) -> None:
    pk = ralph.story_pk("US-002", 1)
    before = ralph.history_count()
    async with ralph.app().run_test(size=SIZE, message_hook=notes.hook) as pilot:
        app = await loaded(pilot)
        assert board(app).select_card(pk)
        await pilot.pause()
        # The orchestrator finishes the story after the user saw it in review.
        ralph.write("UPDATE stories SET status = 'done' WHERE id = :i", i=int(pk))
        await pilot.press("a")
        await settle(pilot)

        assert ralph.status_of(pk) == "done"
        assert ralph.history_count() == before
        assert "nothing was written" in " ".join(notes.messages)
        await until(pilot, lambda: "Payment intent endpoint" in lane_titles(app, "DONE"))


async def test_loops_pauses_and_resumes_a_project_after_confirmation(
    ralph: RalphDb, notes: Notes
) -> None:
    logs = ralph.one("SELECT count(*) FROM system_logs")
    async with ralph.app().run_test(size=SIZE, message_hook=notes.hook) as pilot:
        app = await loaded(pilot)
        view = await open_table(pilot, "2", "loops")
        # Pausing a project already paused is refused without asking or writing.
        select_row(view, "project:2")
        await pilot.press("P")
        await settle(pilot)
        assert app.screen is app.dashboard
        assert ralph.one("SELECT status FROM projects WHERE id = 2") == ("paused",)
        assert ralph.one("SELECT count(*) FROM system_logs") == logs
        assert "applies to running rows" in notes.last

        select_row(view, "project:1")
        await pilot.press("P")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert ralph.one("SELECT status FROM projects WHERE id = 1") == ("running",)
        await pilot.press("y")
        await settle(pilot)

        assert ralph.one("SELECT status FROM projects WHERE id = 1") == ("paused",)
        source, metadata = ralph.one(
            "SELECT source, metadata FROM system_logs ORDER BY id DESC LIMIT 1"
        )
        logged = metadata if isinstance(metadata, dict) else json.loads(metadata)
        assert source == "ringmaster-tui" and logged["user"] == USER
        await until(
            pilot, lambda: any(r.seen == "paused" and r.id == "project:1" for r in view.items)
        )
        select_row(view, "project:1")
        await pilot.press("R")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot)

    assert ralph.one("SELECT status FROM projects WHERE id = 1") == ("running",)


async def test_the_picker_limits_the_board_to_a_feature(ralph: RalphDb) -> None:
    async with ralph.app().run_test(size=SIZE) as pilot:
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


async def test_enter_opens_the_story_detail(ralph: RalphDb) -> None:
    pk = ralph.story_pk("US-002", 1)
    async with ralph.app().run_test(size=SIZE) as pilot:
        app = await press_on(pilot, pk, "enter")
        await until(
            pilot,
            lambda: isinstance(app.screen, CardDetailScreen) and app.screen.detail is not None,
        )
        assert isinstance(app.screen, CardDetailScreen)
        detail = app.screen.detail
        assert isinstance(detail, SectionedDetail) and detail.title == "Payment intent endpoint"
        text = await screen_text(pilot)
    for heading in ("Acceptance criteria (2)", "Dependencies (1, 0 not done)", "History"):
        assert heading in text, heading


# Another process commits one status change, with the engine's own driver, and exits.
MOVE = """
import sys
target, status, title = sys.argv[1], sys.argv[2], sys.argv[3]
if "://" in target:
    import psycopg
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute("UPDATE stories SET status = %s WHERE title = %s", (status, title))
else:
    import sqlite3
    conn = sqlite3.connect(target, isolation_level=None, timeout=10)
    conn.execute("UPDATE stories SET status = ? WHERE title = ?", (status, title))
    conn.close()
"""


async def test_another_process_s_commit_appears_without_a_key(ralph: RalphDb) -> None:
    app = ralph.app(live=True)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert "Sync queue" not in lane_titles(app, "REVIEW")
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-c", MOVE, ralph.target, "review", "Sync queue"],
            check=False,
            timeout=30,
        )
        assert done.returncode == 0
        await until(pilot, lambda: "Sync queue" in lane_titles(app, "REVIEW"), SHOWN_WITHIN)
        assert "REVIEW 2" in await screen_text(pilot)

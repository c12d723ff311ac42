"""How the dashboard starts. The first snapshot is read while the app starts
(live/early_read.py): the first paint has the board's cards, a commit made after that
read still reaches the screen, and a read that failed or was made for another query
leaves the app to read as it always does. The garbage collector, paused while the
command imports (cli.py), runs again once the first screen is up."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.widgets._footer import FooterKey

from ringmaster_tui.cli import main
from ringmaster_tui.config import Settings
from ringmaster_tui.domain.snapshot import BoardQuery, Snapshot
from ringmaster_tui.live.early_read import EarlyRead, first_board_query, start_early_read
from ringmaster_tui.sources.base import Source
from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.ui.app import RingmasterApp
from ringmaster_tui.ui.messages import SnapshotLoaded
from tests.builders import NOW
from tests.ui.helpers import Notes, board, loaded, screen_text, until
from tests.ui.snap_apps import make_app

pytestmark = pytest.mark.anyio

# A second process adds one draft card, in one commit.
ADD_CARD = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
conn.execute("BEGIN IMMEDIATE")
conn.execute(
    "INSERT INTO cards (id, project_id, title, task_prompt, state) "
    "VALUES ('late-card', 'project-alpha', 'Written after the early read', 'x', 'draft')"
)
conn.execute("COMMIT")
"""


class ReadyWatchingApp(RingmasterApp):
    """The app, noting the snapshot it shows when it is ready: after its first paint and
    before its own first read."""

    shown_when_ready: Snapshot | None = None
    footer_keys_when_ready: tuple[str, ...] = ()

    def on_ready(self) -> None:  # Textual runs the app's own on_ready after this one
        self.shown_when_ready = self.snapshot
        self.footer_keys_when_ready = tuple(key.key for key in self.screen.query(FooterKey))


def _settings(db: Path, **values: Any) -> Settings:
    return Settings(db=str(db), user="tester", bell=False, **values)


def _app(source: Source, settings: Settings, early: EarlyRead | None) -> ReadyWatchingApp:
    return ReadyWatchingApp(
        source, settings, clock=lambda: NOW, animate=False, live=True, early_read=early
    )


def _titles(snapshot: Snapshot | None) -> set[str]:
    assert snapshot is not None
    return {card.title for lane in snapshot.lanes for card in lane.cards}


async def test_the_first_paint_has_the_cards_and_a_later_commit_follows(board_db: Path) -> None:
    source = open_source(board_db, user="tester")
    settings = _settings(board_db)
    early = start_early_read(source, settings, lambda: NOW)
    assert early is not None and early.finished(20.0)
    subprocess.run([sys.executable, "-c", ADD_CARD, str(board_db)], check=True)

    app = _app(source, settings, early)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            first = app.shown_when_ready
            assert first is not None, "the board was painted empty first"
            assert first.query == first_board_query(settings)
            assert "Write the plan" in _titles(first)
            assert "Written after the early read" not in _titles(first)
            # The footer's keys, the focused lane's among them, are in that first frame.
            assert {"a", "question_mark"} <= set(app.footer_keys_when_ready)
            # The app's own first read, once its change feed runs, has the later commit.
            await until(pilot, lambda: "Written after the early read" in _titles(app.snapshot))
            await loaded(pilot)
            assert "Written after" in await screen_text(pilot)
    finally:
        source.close()


async def test_a_read_for_another_query_is_not_shown(board_db: Path) -> None:
    source = open_source(board_db, user="tester")
    settings = _settings(board_db)
    early = EarlyRead(source, BoardQuery(text="plan"), lambda: NOW)
    assert early.finished(20.0)
    app = _app(source, settings, early)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            assert app.shown_when_ready is None
            await loaded(pilot)
            assert app.snapshot is not None
            assert app.snapshot.query.text == ""
    finally:
        source.close()


async def test_a_failed_read_leaves_the_app_to_say_what_is_wrong(
    board_db: Path, notes: Notes
) -> None:
    source = open_source(board_db, user="tester")
    settings = _settings(board_db)
    for leftover in board_db.parent.glob(board_db.name + "-*"):
        leftover.unlink()
    board_db.write_bytes(b"this is not a database" * 100)
    early = EarlyRead(source, first_board_query(settings), lambda: NOW)
    assert early.finished(20.0)
    assert early.take(first_board_query(settings), 0.0) is None
    app = _app(source, settings, early)
    try:
        async with app.run_test(size=(120, 40), message_hook=notes.hook) as pilot:
            await until(pilot, lambda: "Could not read the database" in notes.last)
            assert app.snapshot is None
    finally:
        source.close()


def test_no_early_read_when_notifications_are_asked_for(board_db: Path) -> None:
    """The notifier's first read comes before the first snapshot, in the app."""
    source = open_source(board_db, user="tester")
    try:
        assert (
            start_early_read(source, _settings(board_db, notify_terminal="osc9"), lambda: NOW)
            is None
        )
        notified = _settings(board_db, notify_command="true")
        assert start_early_read(source, notified, lambda: NOW) is None
    finally:
        source.close()


async def test_the_collector_runs_again_once_the_first_screen_is_up(board_db: Path) -> None:
    source = open_source(board_db, user="tester")
    app = RingmasterApp(
        source, _settings(board_db), clock=lambda: NOW, animate=False, live=False, tune_gc=True
    )
    gc.disable()  # as cli.main leaves it for the dashboard
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await until(pilot, gc.isenabled)  # a moment after the first paint
            assert gc.get_freeze_count() > 0  # settle_heap ran: what exists now is kept
    finally:
        gc.enable()
        gc.unfreeze()  # the test process makes many apps; theirs must be collected
        source.close()


def test_commands_run_with_the_collector_on(board_db: Path) -> None:
    for argv in (["status", str(board_db)], ["status", str(board_db / "missing")]):
        gc.enable()
        main(argv)
        assert gc.isenabled()


def test_a_command_of_its_own_process_freezes_its_imports(board_db: Path) -> None:
    """Run as the process's command (argv from sys.argv): the collector runs again, and
    its passes skip what the imports made."""
    code = (
        "import gc, sys\n"
        "from ringmaster_tui.cli import main\n"
        "sys.argv = ['ringmaster-tui', 'status', sys.argv[1]]\n"
        "main()\n"
        "print(gc.isenabled(), gc.get_freeze_count() > 10_000, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(board_db)], capture_output=True, text=True, check=True
    )
    assert done.stderr.strip().splitlines()[-1] == "True True"


FRAME_RATE_PROBE = """
import sys, types
from ringmaster_tui.cli import main
shown = types.ModuleType("ringmaster_tui.ui.app")  # stands in for the app: the rate is read
def run_app(source, settings, **kwargs):           # by Textual as it is first imported
    import textual.constants
    print(textual.constants.MAX_FPS, file=sys.stderr)
    return 0
shown.run_app = run_app
sys.modules["ringmaster_tui.ui.app"] = shown
main([sys.argv[1]])
"""


@pytest.mark.parametrize(("own", "painted_at"), [(None, 120), ("30", 30)])
def test_the_dashboard_paints_at_its_frame_rate_unless_told_another(
    board_db: Path, own: str | None, painted_at: int
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    if own is not None:
        env["TEXTUAL_FPS"] = own
    done = subprocess.run(
        [sys.executable, "-c", FRAME_RATE_PROBE, str(board_db)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert done.stderr.strip().splitlines()[-1] == str(painted_at)


async def test_a_load_arriving_as_the_app_closes_is_dropped(board_db: Path) -> None:
    """The loader's thread posts a snapshot just as the app shuts down: the board's
    widgets are already gone while its screen is still on the stack."""
    app = make_app(board_db)
    close_all = app._close_all
    dropped: list[bool] = []

    async def closing() -> None:
        await board(app).remove()  # its widgets go first
        assert app.screen_stack and app.snapshot is not None
        app._show_snapshot(SnapshotLoaded(app.snapshot.model_copy()))  # a new last load
        dropped.append(True)
        await close_all()

    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        app._close_all = closing  # type: ignore[method-assign]
    assert dropped == [True]

"""The running app follows other writers: every commit reaches the screen, bursts coalesce,
what the user is doing survives a refresh, and a replaced or deleted file is followed."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from ringmaster_tui.domain.snapshot import BoardQuery, Snapshot
from ringmaster_tui.sources.base import Source
from ringmaster_tui.ui.app import RingmasterApp
from tests.builders import NOW, DbBuilder, build_standard_board
from tests.ui.helpers import board, card_id, loaded, screen_text, selected_title, until
from tests.ui.snap_apps import make_app

pytestmark = pytest.mark.anyio

# A second process: on each line "N" from stdin it renames a card to "Write the plan vN"
# in one commit, then answers "N"; on "burst N" it makes N commits as fast as it can
# (inserting draft cards), then answers "done".
WRITER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
for line in sys.stdin:
    words = line.split()
    if words[0] == "burst":
        for n in range(int(words[1])):
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO cards (id, project_id, title, task_prompt, state) "
                "VALUES (?, 'project-alpha', ?, 'Burst', 'draft')",
                (f"burst-{n}", f"Burst {n}"),
            )
            conn.execute("COMMIT")
        print("done", flush=True)
    else:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "UPDATE cards SET title = ? WHERE title LIKE 'Write the plan%'",
            (f"Write the plan v{words[0]}",),
        )
        conn.execute("COMMIT")
        print(words[0], flush=True)
"""

# How long a commit may take to reach the screen in a test: generous, the machine is
# shared; the benchmark (bench/live_bench.py) measures the real figure.
SHOWN_WITHIN = 3.0


class CountingSource:
    """The real source, counting its loads and how many ran at once."""

    def __init__(self, source: Source) -> None:
        self._source = source
        self._lock = threading.Lock()
        self._running = 0
        self.loads = 0
        self.most_at_once = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._source, name)

    def snapshot(self, query: BoardQuery, now: datetime) -> Snapshot:
        with self._lock:
            self._running += 1
            self.loads += 1
            self.most_at_once = max(self.most_at_once, self._running)
        try:
            return self._source.snapshot(query, now)
        finally:
            with self._lock:
                self._running -= 1


@contextmanager
def writer(target: Path | str, script: str = WRITER) -> Iterator[subprocess.Popen[str]]:
    """The second process `script` (WRITER by default) on `target`, driven by `ask`."""
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(target)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield process
    finally:
        if process.stdin:
            process.stdin.close()
        process.wait(timeout=10)


async def ask(process: subprocess.Popen[str], line: str) -> str:
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(line + "\n")
    process.stdin.flush()
    return await asyncio.to_thread(process.stdout.readline)


def titles(app: RingmasterApp) -> set[str]:
    return (
        {card.title for lane in app.snapshot.lanes for card in lane.cards}
        if app.snapshot
        else set()
    )


async def test_every_commit_of_another_process_reaches_the_screen(board_db: Path) -> None:
    """One commit at a time, each waited for: a commit is never left unshown."""
    async with make_app(board_db, live=True).run_test(size=(120, 40)) as pilot:
        app = await loaded(pilot)
        with writer(board_db) as process:
            for n in range(1, 31):
                assert (await ask(process, str(n))).strip() == str(n)
                await until(pilot, lambda n=n: f"Write the plan v{n}" in titles(app), SHOWN_WITHIN)
        text = await screen_text(pilot)
    assert "Write the plan v30" in text


def counted_live_app(db: Path) -> tuple[RingmasterApp, CountingSource]:
    plain = make_app(db)
    source = CountingSource(plain.source)
    app = RingmasterApp(source, plain.settings, clock=lambda: NOW, animate=False, live=True)
    return app, source


async def reloaded(pilot: Pilot[Any], source: CountingSource, since: int) -> None:
    """Wait until a load that started after `since` loads has finished and been shown."""
    await until(pilot, lambda: source.loads > since and source.most_at_once and not source._running)
    await pilot.pause(0.05)


async def test_a_burst_coalesces_into_few_loads_and_ends_up_shown(board_db: Path) -> None:
    app, source = counted_live_app(board_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        before = source.loads
        with writer(board_db) as process:
            assert (await ask(process, "burst 400")).strip() == "done"
        await until(
            pilot,
            lambda: app.snapshot is not None and app.snapshot.lanes[0].count == 402,
            SHOWN_WITHIN,
        )
        loads = source.loads - before
    assert source.most_at_once == 1, "never two loads at once"
    assert 1 <= loads < 400 / 4, f"{loads} loads for 400 commits"


async def test_selection_filter_and_dialog_survive_refreshes(board_db: Path) -> None:
    app, source = counted_live_app(board_db)
    async with app.run_test(size=(120, 40)) as pilot:
        app = await loaded(pilot)
        assert board(app).select_card(card_id(board_db, "Implement login"))
        await pilot.press("slash", *"i", "m", "p")
        await until(pilot, lambda: app.snapshot is not None and app.snapshot.query.text == "imp")
        board(app).select_card(card_id(board_db, "Implement login"))
        with writer(board_db) as process:
            for n in (1, 2, 3):
                loads = source.loads
                await ask(process, str(n))
                await reloaded(pilot, source, loads)
                assert selected_title(app) == "Implement login"
                assert app.query_one("#board-filter").value == "imp"  # type: ignore[attr-defined]
            await pilot.press("escape")  # keep the filter, leave the input
            await pilot.press("f")  # a dialog opens: the force picker
            screen = app.screen
            loads = source.loads
            await ask(process, "4")
            await reloaded(pilot, source, loads)
            assert app.screen is screen, "a refresh does not close a dialog"


def _replace_with_other_board(db: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    b = DbBuilder(other)
    alpha = b.project("alpha")
    b.card(alpha, "From the restored copy", "draft")
    b.close()
    # Empty the -wal first: a new main file must not be paired with the old journal.
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    os.replace(other, db)


async def test_a_replaced_database_is_followed(board_db: Path, tmp_path: Path) -> None:
    async with make_app(board_db, live=True).run_test(size=(120, 40)) as pilot:
        app = await loaded(pilot)
        _replace_with_other_board(board_db, tmp_path)
        await until(pilot, lambda: titles(app) == {"From the restored copy"}, SHOWN_WITHIN)
        assert selected_title(app) == "From the restored copy"


async def test_a_deleted_database_is_reported_and_awaited(board_db: Path) -> None:
    async with make_app(board_db, live=True).run_test(size=(120, 40)) as pilot:
        app = await loaded(pilot)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{board_db}{suffix}").unlink(missing_ok=True)
        await until(pilot, lambda: "database is missing" in _header(app), SHOWN_WITHIN)
        assert "Sketch the API" in titles(app), "the last data stays on screen meanwhile"

        b = build_standard_board(board_db)
        b.card("project-alpha", "Restored card", "draft", priority=9)
        b.close()
        await until(pilot, lambda: "Restored card" in titles(app), SHOWN_WITHIN)
        assert "missing" not in _header(app), "the message goes once the file is back"
        assert "Restored card" in await screen_text(pilot)


def _header(app: RingmasterApp) -> str:
    problem = app.query_one("#totals-problem")
    return str(problem.render()) if problem.display else ""


async def test_a_load_waits_for_the_keys_pressed_just_before_it(board_db: Path) -> None:
    """Keys first: a key pressed just now delays the next load by the quiet period (a
    sleep never ends early, so the lower bound holds on any machine), never past the cap."""
    from ringmaster_tui.ui.app import INPUT_QUIET_SECONDS

    app = make_app(board_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("l")
        pressed = app._input_at
        assert pressed > 0
        app._wait_for_quiet_input()
        assert time.monotonic() - pressed >= INPUT_QUIET_SECONDS

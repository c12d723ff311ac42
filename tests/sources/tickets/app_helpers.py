"""Driving the dashboard on a ticket-system database: the app, the second process that
writes as the orchestrator, and reading back what was written."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from ringmaster_tui.config import Settings
from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.ui.app import RingmasterApp
from ringmaster_tui.ui.widgets.table_view import TableListView
from tests.builders import NOW
from tests.ui.helpers import board, loaded, settle, terminal_output, until, visible_text

USER = "ann"
VIEW_KEYS = {"loops": "2", "problems": "3", "events": "4"}


def make_app(db: Path, *, read_only: bool = False, live: bool = False) -> RingmasterApp:
    source = open_source(db, read_only=read_only, user=USER)
    settings = Settings(db=str(db), user=USER, read_only=read_only, bell=False)
    return RingmasterApp(source, settings, clock=lambda: NOW, animate=False, live=live)


def write_as_orchestrator(db: Path, sql: str, *params: object) -> None:
    """One commit by another process, as the orchestrator makes them."""
    code = (
        "import sqlite3, sys, json\n"
        "conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)\n"
        "conn.execute(sys.argv[2], json.loads(sys.argv[3]))\n"
        "conn.close()\n"
    )
    import json

    subprocess.run(
        [sys.executable, "-c", code, str(db), sql, json.dumps(list(params))],
        check=True,
        timeout=30,
    )


def one(db: Path, sql: str, *params: object) -> tuple[Any, ...]:
    with closing(sqlite3.connect(db)) as conn:
        found = conn.execute(sql, params).fetchone()
    assert found is not None, sql
    return tuple(found)


def comments_of(db: Path, ticket_id: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(
            "SELECT worker_type, worker_id, stage_number, content FROM comments "
            "WHERE ticket_id = ? ORDER BY id",
            (ticket_id,),
        ).fetchall()


async def on_card(pilot: Pilot[Any], ticket_id: str) -> RingmasterApp:
    app = await loaded(pilot)
    assert board(app).select_card(ticket_id), ticket_id
    await pilot.pause()
    return app


async def open_table(pilot: Pilot[Any], view_id: str) -> TableListView:
    app = await loaded(pilot)
    await pilot.press(VIEW_KEYS[view_id])
    view = app.dashboard.views[view_id]
    assert isinstance(view, TableListView)
    await until(
        pilot,
        lambda: (
            app.snapshot is not None
            and view_id in app.snapshot.tables
            and view.snapshot is app.snapshot
            and view.table.row_count == len(view.items) > 0
        ),
    )
    await pilot.pause()
    return view


async def shown(pilot: Pilot[Any], *texts: str, timeout: float = 10.0) -> str:
    """Wait until the screen shows every one of `texts`; the text on screen."""
    app = pilot.app

    def now_shown() -> bool:
        screen = visible_text(terminal_output(app))  # type: ignore[arg-type]
        return all(text in screen for text in texts)

    await until(pilot, now_shown, timeout=timeout)
    return visible_text(terminal_output(app))  # type: ignore[arg-type]


__all__ = ["settle"]

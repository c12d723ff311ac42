"""Driving the app in tests: waiting for its workers, reading the database it wrote."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.message import Message
from textual.notifications import Notify
from textual.pilot import Pilot

from ringmaster_tui.ui.app import RingmasterApp
from ringmaster_tui.ui.widgets.board import BoardView
from ringmaster_tui.ui.widgets.metrics_view import MetricsView
from ringmaster_tui.ui.widgets.row_list import RowListView

_CSI = re.compile(r"\x1b\[[0-9;:?<=>]*[ -/]*[@-~]")


@dataclass
class Notes:
    """Every notification the app showed, in order (recorded from its messages)."""

    messages: list[str] = field(default_factory=list)

    def hook(self, message: Message) -> None:
        if isinstance(message, Notify):
            self.messages.append(message.notification.message)

    @property
    def last(self) -> str:
        return self.messages[-1] if self.messages else ""


async def until(pilot: Pilot[Any], condition: Callable[[], object], timeout: float = 20.0) -> None:
    """Let the app run until `condition()` holds (workers run in threads)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {condition}")
        await pilot.pause(0.01)


async def loaded(pilot: Pilot[Any]) -> RingmasterApp:
    """The app once its first snapshot is on screen."""
    app = pilot.app
    assert isinstance(app, RingmasterApp)
    await until(pilot, lambda: app.snapshot is not None and board(app).selected_card is not None)
    await pilot.pause()
    return app


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until typed filter text is sent and every worker (writes, then the reload
    they ask for) has finished."""
    app = pilot.app
    assert isinstance(app, RingmasterApp)
    await until(pilot, lambda: not board(app).filter_pending)
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


def view_read(app: RingmasterApp, name: str) -> bool:
    """The view shows what was read for it, not what it showed before it was read."""
    view = app.dashboard.views[name]
    if isinstance(view, RowListView):
        snapshot = app.snapshot
        return view.snapshot is snapshot is not None and name in snapshot.query.lists
    if isinstance(view, MetricsView):
        return view.metrics is not None or view.read_error is not None
    return True


def board(app: RingmasterApp) -> BoardView:
    return app.dashboard.board


def keys_act_on(app: RingmasterApp, lane: str) -> bool:
    """The board has the keyboard and its keys act on `lane` (the lanes never take focus)."""
    shown = board(app)
    return app.screen.focused is shown.keys and shown.selected_lane == lane


def selected_title(app: RingmasterApp) -> str | None:
    card = board(app).selected_card
    return card.title if card else None


def _one(db: Path, sql: str, *params: object) -> str:
    with closing(sqlite3.connect(db)) as conn:
        return str(conn.execute(sql, params).fetchone()[0])


def card_id(db: Path, title: str) -> str:
    return _one(db, "SELECT id FROM cards WHERE title = ?", title)


def state_of(db: Path, title: str) -> str:
    return _one(db, "SELECT state FROM cards WHERE title = ?", title)


def set_state(db: Path, title: str, state: str) -> None:
    """Another writer (the orchestrator) moves a card."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("UPDATE cards SET state = ? WHERE title = ?", (state, title))
    conn.close()


@dataclass(frozen=True)
class TransitionRow:
    title: str
    from_state: str
    to_state: str
    trigger: str
    metadata: dict[str, Any]


def transitions(db: Path) -> list[TransitionRow]:
    """The audit rows written since the board was built (the builder writes none)."""
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(
            "SELECT c.title, t.from_state, t.to_state, t.trigger, t.metadata "
            "FROM state_transitions t JOIN cards c ON c.id = t.card_id ORDER BY t.rowid"
        ).fetchall()
    return [
        TransitionRow(t, f, to, trig, json.loads(meta or "{}")) for t, f, to, trig, meta in rows
    ]


def terminal_output(app: RingmasterApp) -> str:
    """Exactly what the app would write to the terminal for its current screen."""
    update = app.screen._compositor.render_full_update()
    return update.render_segments(app.console)


def visible_text(output: str) -> str:
    """The terminal output without its styling sequences (CSI), i.e. the text shown."""
    return _CSI.sub("", output)


async def screen_text(pilot: Pilot[Any]) -> str:
    """The text on screen once it has stopped changing (layout and repaint done)."""
    app = pilot.app
    assert isinstance(app, RingmasterApp)
    text = ""
    for _ in range(100):
        await pilot.pause(0.02)
        current = visible_text(terminal_output(app))
        if current == text:
            break
        text = current
    return text

"""The data and the moves the tests of the loops, errors, decisions and alerts views share:
a board with a stalled loop, stack traces, contexts, broken JSON; helpers that read the
rows the app wrote and write as another process would."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any, TypeVar

from textual.pilot import Pilot

from ringmaster_tui.ui.app import RingmasterApp
from ringmaster_tui.ui.widgets.row_list import RowListView
from tests.builders import ago, build_standard_board
from tests.ui.helpers import loaded, until, view_read

ViewT = TypeVar("ViewT", bound=RowListView[Any])

VIEW_KEYS = {"loops": "2", "errors": "3", "decisions": "4", "alerts": "5"}


def build_views_board(db: Path) -> None:
    """The standard board, plus what the list views and their dialogs show."""
    b = build_standard_board(db)
    login = b.conn.execute("SELECT id FROM cards WHERE title = 'Implement login'").fetchone()[0]
    fixing = b.conn.execute("SELECT id FROM cards WHERE title = 'Fix flaky test'").fetchone()[0]
    b.update_card(login, total_time_spent_ms=185_000, error_count=0, max_retries=5)
    b.update_card(fixing, total_time_spent_ms=3_725_000)
    # Attempts 1-3 took a minute each; the fourth has run for two hours: stalled.
    b.attempt(login, 4, "running", started_at=ago(hours=2), cost_usd=None, tokens_used=None)
    b.attempt(fixing, 2, "completed", cost_usd=0.25, duration_ms=90_000, started_at=ago(hours=3))
    b.insert(
        "loop_snapshots",
        card_id=fixing,
        iteration=7,
        state="{}",
        checkpoint_commit="fedcba9876543210",
        created_at=ago(minutes=20),
    )
    b.conn.execute(
        "UPDATE errors SET stack_trace = ?, context = ? WHERE message = 'Timeout in CI'",
        (
            'Traceback (most recent call last):\n  File "ci.py", line 3, in run\n'
            "    wait(job)\nTimeoutError: job 7 took 600s",
            json.dumps({"job": 7, "runner": "ci-2", "limits": {"seconds": 600}}),
        ),
    )
    b.error(
        fixing,
        "Deploy [bold]refused[/bold]: quota",
        category="deploy",
        severity="warning",
        error_type="DeployError",
        context='{"quota": "exceeded"',  # broken JSON: shown raw
        created_at=ago(minutes=50),
    )
    b.conn.execute(
        "UPDATE decisions SET context = ? WHERE summary = 'Retry or abandon?'",
        (json.dumps({"failures": 2, "last_error": "Timeout in CI", "budget_left": 1.5}),),
    )
    b.decision(
        "Ship with [red]known[/red] flake?",
        '["ship", "wait"',  # broken JSON: shown raw
        default_option="wait",
        decision_type="release",
        requested_by="release-bot",
        timeout_minutes=240,
        context="not json at all",
    )
    b.decision(
        "Gone stale",
        ["a", "b"],
        status="expired",
        requested_at=ago(days=1),
        decided_at=ago(hours=20),
    )
    b.alert("Disk almost full on runner-2", "error", alert_type="disk", created_at=ago(minutes=2))
    b.alert("Nightly build slow", "info", alert_type="perf", created_at=ago(hours=3))
    b.close()


# --- reading what the app wrote, writing as another process ---


def rows(db: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql, params).fetchall()


def one(db: Path, sql: str, *params: object) -> tuple[Any, ...]:
    (row,) = rows(db, sql, *params)
    return row


def other_writer(db: Path, sql: str, *params: object) -> None:
    """A change committed by another process (the orchestrator) on its own connection."""
    with closing(sqlite3.connect(db, isolation_level=None)) as conn:
        conn.execute(sql, params)


def id_of(db: Path, table: str, column: str, value: str) -> str:
    return str(one(db, f"SELECT id FROM {table} WHERE {column} = ?", value)[0])


# --- driving a view ---


async def open_view(pilot: Pilot[Any], name: str, view_type: type[ViewT]) -> ViewT:
    """Wait for the first snapshot, switch to the view `name`; the view, rows shown."""
    app = await loaded(pilot)
    await pilot.press(VIEW_KEYS[name])
    view = app.dashboard.views[name]
    assert isinstance(view, view_type)
    await until(pilot, lambda: view_read(app, name) and view.table.row_count == len(view.items))
    await pilot.pause()
    return view


def select_row(view: RowListView[Any], key: str) -> None:
    """Put the cursor on the row with id `key`."""
    view.table.move_cursor(row=view.table.get_row_index(key))


def row_keys(view: RowListView[Any]) -> list[str]:
    return [str(row.key.value) for row in view.table.ordered_rows]


async def reloaded(pilot: Pilot[Any], condition: Callable[[], object]) -> None:
    """Ask for a reload (as the change feed would) and wait for `condition`."""
    app = pilot.app
    assert isinstance(app, RingmasterApp)
    app.request_reload()
    await until(pilot, condition)
    await pilot.pause()

"""The alerts view: critical first, then the newest; `x` acknowledges one, `X` all shown
(after the filter), recording who and when; acknowledged ones behind a toggle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from ringmaster_tui.ui.screens.confirm import ConfirmScreen
from ringmaster_tui.ui.widgets.alerts_view import AlertsView
from tests.builders import DbBuilder, ago
from tests.ui.helpers import Notes, screen_text, settle, until
from tests.ui.snap_apps import USER, make_app
from tests.ui.view_data import (
    build_views_board,
    id_of,
    one,
    open_view,
    other_writer,
    row_keys,
    rows,
    select_row,
)

pytestmark = pytest.mark.anyio
SIZE = (120, 40)
ACK = "SELECT acknowledged, acknowledged_by, acknowledged_at FROM alerts WHERE id = ?"


@pytest.fixture
def views_db(tmp_path: Path) -> Path:
    db = tmp_path / "views.db"
    build_views_board(db)
    return db


async def confirm_big_x(pilot: Pilot[Any]) -> None:
    """`X`, then yes to the question naming the alerts listed."""
    await pilot.press("X")
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
    await pilot.press("y")


def acknowledged(db: Path) -> list[str]:
    return [m for (m,) in rows(db, "SELECT message FROM alerts WHERE acknowledged = 1")]


async def test_critical_first_then_the_newest(views_db: Path) -> None:
    async with make_app(views_db).run_test(size=SIZE) as pilot:
        view = await open_view(pilot, "alerts", AlertsView)

    assert [(a.severity, a.message) for a in view.items] == [
        ("critical", "Loop stuck for 30 minutes"),
        ("error", "Disk almost full on runner-2"),
        ("warning", "Cost above budget"),
        ("info", "Nightly build slow"),
    ]


async def test_x_acknowledges_the_selected_alert(views_db: Path, notes: Notes) -> None:
    target = id_of(views_db, "alerts", "message", "Disk almost full on runner-2")
    async with make_app(views_db).run_test(size=SIZE, message_hook=notes.hook) as pilot:
        view = await open_view(pilot, "alerts", AlertsView)
        select_row(view, target)
        await pilot.press("x")
        await settle(pilot)
        await until(pilot, lambda: target not in row_keys(view))

        flag, by, at = one(views_db, ACK, target)
        assert (flag, by) == (1, USER)
        assert at is not None
        assert sorted(acknowledged(views_db)) == ["Disk almost full on runner-2", "Seen already"]
        assert notes.last == "Acknowledged 1 alert."


async def test_big_x_acknowledges_all_shown_under_the_filter(views_db: Path) -> None:
    b = DbBuilder(views_db)
    b.alert("runner-3 offline", "critical", alert_type="runner", created_at=ago(minutes=1))
    b.close()
    async with make_app(views_db).run_test(size=SIZE) as pilot:
        view = await open_view(pilot, "alerts", AlertsView)
        assert len(view.items) == 5
        await pilot.press("slash", *"runner", "enter")
        await until(pilot, lambda: len(view.items) == 2)
        await confirm_big_x(pilot)
        await settle(pilot)
        await until(pilot, lambda: not view.items)
        await pilot.press("slash", "escape")  # the filter off: the others are still there
        await until(pilot, lambda: len(view.items) == 3)

    assert sorted(acknowledged(views_db)) == [
        "Disk almost full on runner-2",
        "Seen already",
        "runner-3 offline",
    ]
    by = rows(views_db, "SELECT DISTINCT acknowledged_by FROM alerts WHERE acknowledged_at > ''")
    assert by == [(USER,)]


async def test_big_x_leaves_alerts_acknowledged_meanwhile_alone(views_db: Path) -> None:
    cost = id_of(views_db, "alerts", "message", "Cost above budget")
    async with make_app(views_db).run_test(size=SIZE) as pilot:
        await open_view(pilot, "alerts", AlertsView)
        other_writer(
            views_db,
            "UPDATE alerts SET acknowledged = 1, acknowledged_by = 'bob',"
            " acknowledged_at = '2026-01-15 11:59:00' WHERE id = ?",
            cost,
        )
        await confirm_big_x(pilot)
        await settle(pilot)

    assert one(views_db, ACK, cost) == (1, "bob", "2026-01-15 11:59:00")
    assert len(acknowledged(views_db)) == 5


async def test_acknowledged_alerts_behind_a_toggle(views_db: Path, notes: Notes) -> None:
    seen = id_of(views_db, "alerts", "message", "Seen already")
    async with make_app(views_db).run_test(size=SIZE, message_hook=notes.hook) as pilot:
        view = await open_view(pilot, "alerts", AlertsView)
        await pilot.press("t")
        await until(pilot, lambda: len(view.items) == 5)
        assert "✓ ann" in await screen_text(pilot)
        select_row(view, seen)
        await pilot.press("x")
        await settle(pilot)
        assert notes.last == "That alert is acknowledged already."
        await pilot.press("t")
        await until(pilot, lambda: len(view.items) == 4)


async def test_read_only_acknowledges_nothing(views_db: Path, notes: Notes) -> None:
    async with make_app(views_db, read_only=True).run_test(
        size=SIZE, message_hook=notes.hook
    ) as pilot:
        await open_view(pilot, "alerts", AlertsView)
        await pilot.press("x", "X")
        await settle(pilot)

    assert acknowledged(views_db) == ["Seen already"]
    assert "Acknowledging is disabled: read-only" in notes.last

"""The dashboard on a coordination database, driven by its keys, while a second process
writes to the file as the loops would: every view shows what that process commits, and
every action lands in the database (and says so when it loses a race)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from ringmaster_tui.domain.views import SectionedDetail
from ringmaster_tui.ui.app import RingmasterApp
from ringmaster_tui.ui.screens.card_detail import CardDetailScreen
from ringmaster_tui.ui.screens.confirm import ConfirmScreen
from ringmaster_tui.ui.screens.decision_dialog import DecisionScreen
from ringmaster_tui.ui.screens.force_picker import ForcePickerScreen
from ringmaster_tui.ui.screens.project_picker import ProjectPickerScreen
from ringmaster_tui.ui.widgets.alerts_view import AlertsView
from ringmaster_tui.ui.widgets.decisions_view import DecisionsView
from ringmaster_tui.ui.widgets.row_list import RowListView
from ringmaster_tui.ui.widgets.table_view import TableListView
from tests.sources.coordination.conftest import Writer, one, rows
from tests.ui.helpers import Notes, board, loaded, settle, until, view_read
from tests.ui.snap_apps import make_app
from tests.ui.view_data import row_keys, select_row

pytestmark = pytest.mark.anyio
SIZE = (80, 24)
KEYS = {"board": "1", "loops": "2", "problems": "3", "decisions": "4", "alerts": "5"}
KEYS |= {"events": "6", "changes": "7"}


async def show(pilot: Pilot[Any], name: str) -> RowListView[Any]:
    app = await loaded(pilot)
    await pilot.press(KEYS[name])
    view = app.dashboard.views[name]
    assert isinstance(view, RowListView)
    await until(pilot, lambda: view_read(app, name) and view.table.row_count == len(view.items))
    await pilot.pause()
    return view


def card_ids(app: RingmasterApp, lane: str) -> list[str]:
    assert app.snapshot is not None
    return [c.id for ln in app.snapshot.lanes if ln.name == lane for c in ln.cards]


def status(db: Path, test_id: str) -> str:
    return str(one(db, "SELECT status FROM tests WHERE id = ?", test_id)[0])


def human_events(db: Path) -> list[tuple[str, str, dict[str, Any]]]:
    found = rows(
        db,
        "SELECT event_type, correlation_id, payload FROM events WHERE source = 'human' "
        "ORDER BY rowid",
    )
    return [(t, c, json.loads(p)) for t, c, p in found]


async def press_on_card(pilot: Pilot[Any], test_id: str, *keys: str) -> RingmasterApp:
    app = await loaded(pilot)
    assert board(app).select_card(test_id)
    await pilot.pause()
    await pilot.press(*keys)
    await settle(pilot)
    return app


async def test_the_board_follows_the_loops_and_retry_moves_a_test(
    coord_db: Path, writer: Writer, notes: Notes
) -> None:
    async with make_app(coord_db, live=True).run_test(size=SIZE, message_hook=notes.hook) as pilot:
        app = await loaded(pilot)
        assert "API-009" in card_ids(app, "PENDING")
        await writer.write(
            "UPDATE tests SET status = 'failed', attempts = 1, last_result = 'fail' "
            "WHERE id = 'API-009'"
        )
        await until(pilot, lambda: "API-009" in card_ids(app, "FAILED"), timeout=10)
        await press_on_card(pilot, "API-009", "a")
        await until(pilot, lambda: "API-009" in card_ids(app, "PENDING"), timeout=10)
    assert status(coord_db, "API-009") == "pending"
    assert [(e[0], e[1], e[2]["by"]) for e in human_events(coord_db)] == [
        ("test_retry_requested", "API-009", "ann")
    ]
    assert "API-009: failed → pending (retry)" in notes.messages


async def test_unblock_skip_a_lost_race_and_a_forced_retry_from_the_board(
    coord_db: Path, writer: Writer, notes: Notes
) -> None:
    async with make_app(coord_db).run_test(size=SIZE, message_hook=notes.hook) as pilot:
        await press_on_card(pilot, "API-002", "a")
        await press_on_card(pilot, "API-009", "A")
        assert (status(coord_db, "API-002"), status(coord_db, "API-009")) == ("pending", "skipped")
        # Not live: the board still shows API-003 blocked when the loop takes it.
        await writer.write("UPDATE tests SET status = 'in_progress' WHERE id = 'API-003'")
        await press_on_card(pilot, "API-003", "a")
        assert notes.last == "API-003 is in_progress now (you saw blocked); nothing was written."
        app = await press_on_card(pilot, "BLD-001", "a")
        assert "used all its attempts" in notes.last
        assert status(coord_db, "BLD-001") == "failed"
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, ForcePickerScreen))
        await pilot.press("enter")  # pending, the first state
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert len(human_events(coord_db)) == 2  # nothing before the confirmation
        await pilot.press("y")
        await settle(pilot)
    assert status(coord_db, "BLD-001") == "pending"
    assert [(e[0], e[1]) for e in human_events(coord_db)] == [
        ("test_unblocked", "API-002"),
        ("test_skipped", "API-009"),
        ("test_forced", "BLD-001"),
    ]


async def test_a_card_opens_in_sections_and_the_picker_lists_loops(coord_db: Path) -> None:
    async with make_app(coord_db).run_test(size=SIZE) as pilot:
        app = await press_on_card(pilot, "CP-UFS-003", "enter")
        await until(pilot, lambda: isinstance(app.screen, CardDetailScreen))
        screen = app.screen
        assert isinstance(screen, CardDetailScreen)
        await until(pilot, lambda: screen.detail is not None)
        assert isinstance(screen.detail, SectionedDetail)
        titles = [s.title for s in screen.detail.sections]
        assert {"Specification", "Passing history", "Checkpoints", "Usage"} <= set(titles)
        await pilot.press("escape", "p")
        await until(pilot, lambda: isinstance(app.screen, ProjectPickerScreen))
        await pilot.press("down", "enter")  # the first loop, after "all"
        await until(
            pilot,
            lambda: (
                app.snapshot is not None and app.snapshot.query.project_id == "loop-1-critical-path"
            ),
        )
        await settle(pilot)
        cards = [c for lane in app.snapshot.lanes for c in lane.cards]
        assert cards and {c.project_id for c in cards} == {"loop-1-critical-path"}


async def test_loops_and_problems_follow_heartbeats_and_the_wait_graph(
    coord_db: Path, writer: Writer
) -> None:
    async with make_app(coord_db, live=True).run_test(size=SIZE) as pilot:
        view = await show(pilot, "loops")
        assert isinstance(view, TableListView)

        def heartbeat_label() -> str:
            return next(r for r in view.items if r.id == "loop-4-ui").cells["heartbeat"].label

        assert heartbeat_label() == "silent "
        await writer.write(
            "UPDATE component_health SET last_heartbeat = '2026-01-15T11:59:50Z' "
            "WHERE component = 'loop-4-ui'"
        )
        await until(pilot, lambda: heartbeat_label() == "", timeout=10)

        problems = await show(pilot, "problems")
        assert row_keys(problems)[0] == "deadlock:loop-2-storage,loop-3-api"
        await writer.write("DELETE FROM wait_graph WHERE waiter = 'loop-3-api'")
        await until(pilot, lambda: row_keys(problems)[0] == "transaction:tx-0091", timeout=10)
        await writer.write(
            "INSERT INTO wait_graph VALUES ('loop-1-critical-path', 'loop-4-ui', 'x.py', "
            "'2026-01-15T11:58:00Z'), ('loop-4-ui', 'loop-1-critical-path', 'y.py', "
            "'2026-01-15T11:59:00Z')"
        )
        await until(
            pilot,
            lambda: row_keys(problems)[0] == "deadlock:loop-1-critical-path,loop-4-ui",
            timeout=10,
        )


async def test_decide_acknowledge_an_alert_and_approve_a_change_request(
    coord_db: Path, writer: Writer, notes: Notes
) -> None:
    async with make_app(coord_db, live=True).run_test(size=SIZE, message_hook=notes.hook) as pilot:
        app = pilot.app
        decisions = await show(pilot, "decisions")
        assert isinstance(decisions, DecisionsView)
        await writer.write(
            "INSERT INTO decisions (id, decision_type, summary, options, default_option, "
            "timeout_minutes, status, requested_at, requested_by) VALUES ('dec-new', 'stuck', "
            "'Give UI-003 more attempts?', '[\"yes\", \"no\"]', 'no', 5, 'pending', "
            "'2026-01-15T11:59:00Z', 'pm')"
        )
        await until(pilot, lambda: row_keys(decisions)[:1] == ["dec-new"], timeout=10)
        select_row(decisions, "dec-002")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DecisionScreen))
        await pilot.press("1", "tab", *"no more", "enter")
        await settle(pilot)
        await until(pilot, lambda: "dec-002" not in row_keys(decisions))
        assert notes.last == "Decided: skip"

        alerts = await show(pilot, "alerts")
        assert isinstance(alerts, AlertsView)
        assert row_keys(alerts)[0] == "alert-001"  # critical first
        await writer.write(
            "INSERT INTO alerts (id, severity, alert_type, source, message, acknowledged, "
            "created_at) VALUES ('alert-new', 'warning', 'resource', 'monitor', "
            "'Disk 90% full', 0, '2026-01-15T11:59:30Z')"
        )
        await until(pilot, lambda: "alert-new" in row_keys(alerts), timeout=10)
        assert row_keys(alerts)[0] == "alert-001"  # still critical first
        await pilot.press("x")
        await settle(pilot)
        await until(pilot, lambda: "alert-001" not in row_keys(alerts))

        changes = await show(pilot, "changes")
        select_row(changes, "cr-001")
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot)
        await until(pilot, lambda: "cr-001" not in row_keys(changes))
    decided = "SELECT status, decided_by, choice, comment FROM decisions WHERE id = 'dec-002'"
    assert one(coord_db, decided) == ("decided", "ann", "skip", "no more")
    acknowledged = "SELECT acknowledged, acknowledged_by FROM alerts WHERE id = 'alert-001'"
    assert one(coord_db, acknowledged) == (1, "ann")
    resolved = "SELECT status, resolved_by FROM change_requests WHERE id = 'cr-001'"
    assert one(coord_db, resolved) == ("approved", "human")


async def test_events_arrive_first_and_are_acknowledged_one_or_all(
    coord_db: Path, writer: Writer, notes: Notes
) -> None:
    async with make_app(coord_db, live=True).run_test(size=SIZE, message_hook=notes.hook) as pilot:
        view = await show(pilot, "events")
        assert len(view.items) == 24
        await writer.write(
            "INSERT INTO events (id, timestamp, source, event_type, payload, priority, "
            "acknowledged) VALUES ('ev-new', '2026-01-15T11:59:59Z', 'monitor', "
            "'heartbeat_missed', '{\"loop\": \"loop-4-ui\"}', 1, 0)"
        )
        await until(pilot, lambda: row_keys(view)[:1] == ["ev-new"], timeout=10)
        select_row(view, "ev-new")
        await pilot.press("x")
        await settle(pilot)
        await until(pilot, lambda: "ev-new" not in row_keys(view))
        assert one(
            coord_db, "SELECT acknowledged, acknowledged_by FROM events WHERE id = 'ev-new'"
        ) == (1, "ann")
        await pilot.press("t")  # the acknowledged ones too, after the others
        await until(pilot, lambda: "ev-new" in row_keys(view))
        await pilot.press("t", "slash", *"source:monitor", "enter")
        await until(
            pilot,
            lambda: (
                bool(view.items) and {r.cells["source"].text for r in view.items} == {"monitor"}
            ),
        )
        listed = {r.id for r in view.items}
        await pilot.press("X")
        app = pilot.app
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot)
        await until(pilot, lambda: not view.items)
    unacknowledged = rows(coord_db, "SELECT id, source FROM events WHERE acknowledged = 0")
    assert unacknowledged and not listed & {i for i, _ in unacknowledged}
    assert "monitor" not in {s for _, s in unacknowledged}
    assert notes.last == f"Acknowledged {len(listed)} event(s)."


async def test_read_only_keys_explain_and_write_nothing(coord_db: Path, notes: Notes) -> None:
    before = coord_db.read_bytes()
    app = make_app(coord_db, read_only=True)
    async with app.run_test(size=SIZE, message_hook=notes.hook) as pilot:
        await press_on_card(pilot, "API-002", "a")
        assert "read-only" in notes.last.lower()
        view = await show(pilot, "events")
        await pilot.press("x")
        await settle(pilot)
        assert "read-only" in notes.last.lower()
        assert view.items  # nothing was acknowledged
    assert coord_db.read_bytes() == before
    assert status(coord_db, "API-002") == "blocked"

"""Lists count what matches, not what they read, and `X` acts on exactly what it names.

A list view reads a screenful or two of rows; its header must still say how many match
(and how many are loaded), and the bulk acknowledge must touch the rows listed when the
user pressed it: not the rows a refresh brought in while the question was asked, not
rows the user could not have seen, and not what another person acknowledged meanwhile
(reported as such). The other writers are real second processes on the WAL file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.ui.screens.confirm import ConfirmScreen
from ringmaster_tui.ui.widgets.alerts_view import AlertsView
from ringmaster_tui.ui.widgets.decisions_view import DecisionsView
from tests.builders import NOW, ago, build_standard_board
from tests.ui.helpers import Notes, screen_text, settle, until
from tests.ui.snap_apps import USER, make_app
from tests.ui.view_data import open_view, rows

SIZE = (120, 40)
ME = "carol"  # not a name the standard board's rows carry
# The standard board holds 2 unacknowledged alerts and 2 pending decisions.
OPEN_ALERTS = 507
PENDING_DECISIONS = 5005

# A second process: runs one statement with its JSON parameter rows in one transaction.
WRITER = """
import json, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
conn.execute("BEGIN IMMEDIATE")
conn.executemany(sys.argv[2], json.loads(sys.argv[3]))
conn.execute("COMMIT")
conn.close()
"""


def second_process(db: Path, sql: str, params: list[list[Any]]) -> None:
    """Commit `sql` once per parameter row, from another process, and wait for it."""
    subprocess.run(
        [sys.executable, "-c", WRITER, str(db), sql, json.dumps(params)], check=True, timeout=30
    )


INSERT_ALERT = (
    "INSERT INTO alerts (id, severity, alert_type, source, message, created_at) "
    "VALUES (?, ?, 'stuck', 'monitor', ?, ?)"
)
ACKNOWLEDGE_AS_BOB = (
    "UPDATE alerts SET acknowledged = 1, acknowledged_by = 'bob', "
    "acknowledged_at = '2026-01-15 11:59:00' WHERE id = ?"
)


def build_many_alerts(db: Path) -> None:
    """The standard board and 505 more unacknowledged warnings, an hour old and older."""
    b = build_standard_board(db)
    b.conn.execute("BEGIN")  # one commit, not one per row
    b.conn.executemany(
        INSERT_ALERT,
        [
            (f"bulk-{n:03}", "warning", f"Bulk warning {n}", ago(hours=1, minutes=n))
            for n in range(OPEN_ALERTS - 2)
        ],
    )
    b.conn.execute("COMMIT")
    b.close()


@pytest.fixture
def alerts_db(tmp_path: Path) -> Path:
    db = tmp_path / "alerts.db"
    build_many_alerts(db)
    return db


def unacknowledged(db: Path) -> set[str]:
    return {i for (i,) in rows(db, "SELECT id FROM alerts WHERE acknowledged = 0")}


def acknowledged_by(db: Path, who: str) -> set[str]:
    return {i for (i,) in rows(db, "SELECT id FROM alerts WHERE acknowledged_by = ?", who)}


def header_line(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(start))


async def press_big_x(pilot: Pilot[Any]) -> str:
    """`X`; the question it asks."""
    await pilot.press("X")
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
    return await screen_text(pilot)


# --- counts ---


@pytest.mark.anyio
async def test_the_alerts_header_counts_every_match_and_says_how_many_are_loaded(
    alerts_db: Path,
) -> None:
    async with make_app(alerts_db).run_test(size=SIZE) as pilot:
        view = await open_view(pilot, "alerts", AlertsView)
        text = await screen_text(pilot)

    loaded = len(view.items)
    assert loaded == 72  # two screenfuls of rows at this size: far fewer than match
    line = header_line(text, f"{OPEN_ALERTS} unacknowledged alerts")
    assert "1 critical" in line
    assert f"{loaded} loaded" in line


@pytest.mark.anyio
async def test_the_decisions_header_counts_every_pending_one(tmp_path: Path) -> None:
    db = tmp_path / "decisions.db"
    b = build_standard_board(db)
    b.conn.execute("BEGIN")  # one commit, not one per row
    b.conn.executemany(
        "INSERT INTO decisions (id, decision_type, summary, options, status, requested_at)"
        " VALUES (?, 'architecture', ?, '[\"yes\", \"no\"]', 'pending', ?)",
        [
            (f"many-{n:04}", f"Question {n}", ago(hours=2, minutes=n))
            for n in range(PENDING_DECISIONS - 2)
        ],
    )
    b.conn.execute("COMMIT")
    b.close()
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_view(pilot, "decisions", DecisionsView)
        text = await screen_text(pilot)

    line = header_line(text, "5,005 pending decisions")
    assert f"{len(view.items)} loaded" in line
    assert len(view.items) < PENDING_DECISIONS


QUERIES = {
    "plain": BoardQuery(),
    "project": BoardQuery(project_id="project-alpha"),
    "shown-too": BoardQuery(show_decided=True, show_acknowledged=True),
    "texts": BoardQuery(
        loop_text="FIX", error_text="assert", decision_text="DATABASE", alert_text="BULK WARNING 1"
    ),
    "category": BoardQuery(error_category="test"),
}


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_each_list_counts_what_a_read_without_limit_would_list(
    alerts_db: Path, query: BoardQuery
) -> None:
    source = open_source(alerts_db, user=USER)
    few = source.snapshot(query.model_copy(update={"list_limit": 3}), NOW)
    every = source.snapshot(query.model_copy(update={"list_limit": 100_000}), NOW)

    lists = {
        "loops": every.loops,
        "errors": every.errors,
        "decisions": every.decisions,
        "alerts": every.alerts,
    }
    for name, items in lists.items():
        assert few.list_counts[name].matching == len(items), name
    alerts = few.list_counts["alerts"].parts
    assert alerts["unacknowledged"] == sum(not a.acknowledged for a in every.alerts)
    assert alerts["critical"] == sum(
        not a.acknowledged and a.severity == "critical" for a in every.alerts
    )
    decisions = few.list_counts["decisions"].parts
    assert decisions["pending"] == sum(d.status == "pending" for d in every.decisions)
    source.close()


# --- X acts on the rows it names ---


@pytest.mark.anyio
async def test_big_x_names_the_rows_listed_and_ignores_rows_arriving_meanwhile(
    alerts_db: Path, notes: Notes
) -> None:
    arriving = [[f"new-{n}", "critical", f"Arrived after X {n}", ago(seconds=n)] for n in range(3)]
    async with make_app(alerts_db, user=ME, live=True).run_test(
        size=SIZE, message_hook=notes.hook
    ) as pilot:
        view = await open_view(pilot, "alerts", AlertsView)
        listed = {a.id for a in view.items}
        question = await press_big_x(pilot)
        assert f"the {len(listed)} alerts listed? {OPEN_ALERTS - len(listed)} more match" in (
            " ".join(question.split())
        )

        # Another process adds alerts while the question is on screen; the list under
        # it refreshes and shows them at the top.
        second_process(alerts_db, INSERT_ALERT, arriving)
        await until(pilot, lambda: "new-0" in {a.id for a in view.items})
        await pilot.press("y")
        await settle(pilot)

    assert acknowledged_by(alerts_db, ME) == listed
    new_ids = {row[0] for row in arriving}
    assert new_ids <= unacknowledged(alerts_db)
    assert len(unacknowledged(alerts_db)) == OPEN_ALERTS - len(listed) + len(new_ids)
    assert notes.last == f"Acknowledged {len(listed)} alerts."


@pytest.mark.anyio
async def test_big_x_reports_alerts_another_process_acknowledged_before_the_yes(
    alerts_db: Path, notes: Notes
) -> None:
    async with make_app(alerts_db, user=ME, live=True).run_test(
        size=SIZE, message_hook=notes.hook
    ) as pilot:
        view = await open_view(pilot, "alerts", AlertsView)
        listed = [a.id for a in view.items]
        await press_big_x(pilot)
        taken = listed[:2]
        second_process(alerts_db, ACKNOWLEDGE_AS_BOB, [[alert] for alert in taken])
        await pilot.press("y")
        await settle(pilot)

    assert acknowledged_by(alerts_db, "bob") == set(taken)  # left as bob wrote them
    assert acknowledged_by(alerts_db, ME) == set(listed) - set(taken)
    assert notes.last == (
        f"Acknowledged {len(listed) - 2} of the {len(listed)} alerts; "
        "2 were already acknowledged by someone else (bob)."
    )


@pytest.mark.anyio
async def test_big_x_answered_no_writes_nothing(alerts_db: Path) -> None:
    async with make_app(alerts_db).run_test(size=SIZE) as pilot:
        await open_view(pilot, "alerts", AlertsView)
        await press_big_x(pilot)
        await pilot.press("n")
        await settle(pilot)

    assert len(unacknowledged(alerts_db)) == OPEN_ALERTS


def test_the_outcome_names_what_became_of_each_alert_not_acknowledged(alerts_db: Path) -> None:
    second_process(alerts_db, ACKNOWLEDGE_AS_BOB, [["bulk-000"], ["bulk-001"]])
    second_process(alerts_db, "DELETE FROM alerts WHERE id = ?", [["bulk-002"]])
    source = open_source(alerts_db, user=ME)

    one_taken = source.acknowledge_alerts(["bulk-000"])
    one_gone = source.acknowledge_alerts(["bulk-002"])
    mixed = source.acknowledge_alerts(["bulk-001", "bulk-002", "bulk-003", "bulk-003"])
    again = source.acknowledge_alerts(["bulk-001", "bulk-003"])
    source.close()

    assert (one_taken.ok, one_taken.message) == (
        False,
        "That alert was already acknowledged by bob; nothing was written.",
    )
    assert one_gone.message == "That alert no longer exists; nothing was written."
    assert (mixed.ok, mixed.changed) == (True, 1)  # the same id twice counts once
    assert mixed.message == (
        "Acknowledged 1 of the 3 alerts; 1 was already acknowledged by someone else (bob); "
        "1 no longer exists."
    )
    assert (again.ok, again.changed) == (False, 0)
    assert again.message == (
        "Nothing was written: of the 2 alerts, 2 were already acknowledged by someone else "
        f"(bob, {ME})."
    )
    assert acknowledged_by(alerts_db, ME) == {"bulk-003"}

"""A source's own table view: its header counts every match beside the rows loaded, and a
bulk row action passes the source exactly the rows listed when its key was pressed (ids
and the values seen), whatever a refresh brings in while the question is asked.

The source is Ringmaster's, offering one table view of its open alerts with a bulk
acknowledge, as a source with a table view would; the other writer is a real process.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from ringmaster_tui.config import Settings
from ringmaster_tui.domain.capabilities import Capabilities, ViewOffer
from ringmaster_tui.domain.outcome import Outcome
from ringmaster_tui.domain.snapshot import BoardQuery, Snapshot
from ringmaster_tui.domain.views import Column, Fact, RowAction, TableData, TableRow
from ringmaster_tui.engines.base import Engine
from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.sources.ringmaster import models as m
from ringmaster_tui.sources.ringmaster.source import CAPABILITIES, RingmasterSource
from ringmaster_tui.ui.app import RingmasterApp
from ringmaster_tui.ui.screens.confirm import ConfirmScreen
from ringmaster_tui.ui.widgets.table_view import TableListView
from tests.builders import NOW, ago, build_standard_board
from tests.ui.helpers import loaded, screen_text, settle, until
from tests.ui.view_data import rows

pytestmark = pytest.mark.anyio
SIZE = (120, 40)
VIEW = "incidents"
OPEN_ALERTS = 300  # the standard board's 2 and 298 more
ME = "carol"
alerts = m.TABLES["alerts"]

# Another process: one alert arriving while the question is asked (the newest of all).
LATE_WRITER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
conn.execute(
    "INSERT INTO alerts (id, severity, alert_type, source, message, created_at) VALUES"
    " ('late-1', 'critical', 'stuck', 'monitor', 'Arrived while asked', datetime('now'))"
)
conn.close()
"""
ACKNOWLEDGE = RowAction(key="X", action="ack", label="Acknowledge all", bulk=True)
OFFER = ViewOffer(VIEW, "Incidents", actions=(ACKNOWLEDGE,))


class IncidentsSource(RingmasterSource):
    """Ringmaster, with its open alerts offered as a table view with a bulk action."""

    capabilities = Capabilities(views=(*CAPABILITIES.views, OFFER), review=True)

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine, ME)
        self.acted: list[tuple[tuple[str, str | None], ...]] = []

    def snapshot(self, query: BoardQuery, now: datetime) -> Snapshot:
        snapshot = super().snapshot(query, now)
        if VIEW not in query.lists:
            return snapshot
        open_alert = alerts.c.acknowledged == 0
        with self.engine.read() as conn:
            total = conn.execute(sa.select(sa.func.count()).where(open_alert)).scalar_one()
            found = conn.execute(
                sa.select(alerts.c.id, alerts.c.message)
                .where(open_alert)
                .order_by(alerts.c.created_at.desc())
                .limit(query.list_limit)
            ).all()
        table = TableData(
            columns=(Column("message", "message", 20, flex=True),),
            rows=tuple(
                TableRow(id=r.id, cells={"message": Fact(text=r.message)}, seen="open")
                for r in found
            ),
            total=total,
            summary="open incidents",
        )
        return snapshot.model_copy(update={"tables": {**snapshot.tables, VIEW: table}})

    def act(self, view_id: str, action: str, rows: Sequence[tuple[str, str | None]]) -> Outcome:
        self.acted.append(tuple(rows))
        return self.acknowledge_alerts([row_id for row_id, seen in rows if seen == "open"])


def incidents_app(db: Path) -> tuple[RingmasterApp, IncidentsSource]:
    source = IncidentsSource(open_source(db, user=ME).engine)
    settings = Settings(db=str(db), user=ME, read_only=False, bell=False)
    return RingmasterApp(source, settings, clock=lambda: NOW, animate=False, live=True), source


@pytest.fixture
def incidents_db(tmp_path: Path) -> Path:
    db = tmp_path / "incidents.db"
    b = build_standard_board(db)
    b.conn.execute("BEGIN")  # one commit, not one per row
    b.conn.executemany(
        "INSERT INTO alerts (id, severity, alert_type, source, message, created_at)"
        " VALUES (?, 'warning', 'stuck', 'monitor', ?, ?)",
        [(f"many-{n:03}", f"Incident {n}", ago(hours=1, minutes=n)) for n in range(298)],
    )
    b.conn.execute("COMMIT")
    b.close()
    return db


async def test_a_bulk_row_action_gets_exactly_the_rows_listed_when_pressed(
    incidents_db: Path,
) -> None:
    app, source = incidents_app(incidents_db)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("7")
        view = app.dashboard.views[VIEW]
        assert isinstance(view, TableListView)
        # The view first reads a default number of rows, then as many as it fits: wait
        # for the read that asked for what it fits, and a screen drawn from it.
        await until(
            pilot,
            lambda: len(view.items) == app.board_query.list_limit == view.table.row_count,
        )
        await settle(pilot)
        listed = tuple((row.id, row.seen) for row in view.items)
        text = await screen_text(pilot)
        assert listed == tuple((row.id, row.seen) for row in view.items)  # none came meanwhile
        assert f"{OPEN_ALERTS} open incidents · {len(listed)} loaded" in text
        assert len(listed) < OPEN_ALERTS

        await pilot.press("X")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = " ".join((await screen_text(pilot)).split())
        assert f"the {len(listed)} rows listed? {OPEN_ALERTS - len(listed)} more match" in question
        subprocess.run(
            [sys.executable, "-c", LATE_WRITER, str(incidents_db)], check=True, timeout=30
        )
        await until(pilot, lambda: "late-1" in {row.id for row in view.items})
        await pilot.press("y")
        await settle(pilot)

    assert source.acted == [listed]
    done = rows(incidents_db, "SELECT id FROM alerts WHERE acknowledged_by = ?", ME)
    assert {row_id for (row_id,) in done} == {row_id for row_id, _ in listed}
    assert rows(incidents_db, "SELECT acknowledged FROM alerts WHERE id = 'late-1'") == [(0,)]

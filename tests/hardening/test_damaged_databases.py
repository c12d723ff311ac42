"""The app over databases other tools left: tables or columns missing, values breaking the
schema's promises. It runs, shows what it can, says what is missing, and writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.domain.timefmt import parse_timestamp
from ringmaster_tui.sources.registry import open_source
from tests.hardening import databases
from tests.hardening.tour import dump, tour
from tests.test_status import run_cli
from tests.ui.snap_apps import make_app

pytestmark = pytest.mark.anyio
SIZE = (120, 40)


async def test_without_decisions_and_alerts(tmp_path: Path) -> None:
    db = databases.without_tables(tmp_path / "partial.db")
    before = dump(db)

    async with make_app(db).run_test(size=SIZE) as pilot:
        seen = await tour(pilot)

    assert "Implement login" in seen.screens["board"]
    assert "This database has no decisions table." in seen.screens["decisions"]
    assert "This database has no alerts table." in seen.screens["alerts"]
    assert "AssertionError: expected 200" in seen.screens["errors"]
    assert dump(db) == before


async def test_an_older_schema_without_some_columns(tmp_path: Path) -> None:
    db = databases.without_columns(tmp_path / "old.db")
    before = dump(db)

    async with make_app(db).run_test(size=SIZE) as pilot:
        seen = await tour(pilot)

    assert "Implement login" in seen.screens["board"]
    assert "Timeout in CI" in seen.screens["errors"]
    fixing = next(
        text
        for name, text in seen.screens.items()
        if "Fix flaky test" in text and name.startswith("card")
    )
    assert "Review of attempt" in "".join(seen.screens.values())
    assert "$" not in fixing.split("Attempts")[0]  # the card's cost is unknown, not $0.00
    assert dump(db) == before


def test_missing_tables_and_columns_are_reported(tmp_path: Path) -> None:
    db = databases.without_columns(tmp_path / "old.db")
    with_tables = databases.without_tables(tmp_path / "partial.db")

    old = open_source(db, user="t").snapshot(BoardQuery(), datetime.now(UTC))
    status = run_cli("status", with_tables)
    old_status = run_cli("status", db)

    assert set(old.unavailable) == {
        f"{table}.{column}" for table, column in databases.OLD_SCHEMA_MISSING
    }
    assert "(no decisions table in this database)" in status.stdout
    assert "(no cards.priority column in this database)" in old_status.stdout


async def test_bad_data_everywhere(tmp_path: Path) -> None:
    db = databases.with_bad_data(tmp_path / "bad.db")
    before = dump(db)

    async with make_app(db).run_test(size=SIZE) as pilot:
        seen = await tour(pilot)
        snapshot = pilot.app.snapshot

    assert snapshot is not None
    other = next(lane for lane in snapshot.lanes if lane.name == "OTHER")
    assert [card.title for card in other.cards] == ["Weird state"]  # an unknown state
    assert "Hi\ufffd byte" in seen.screens["board"]  # bytes that are not UTF-8, replaced
    weird = next(t for n, t in seen.screens.items() if n.startswith("card") and "Weird" in t)
    assert "somewhere_else" in weird
    assert "$-12.50" in weird  # a negative cost is shown as it is
    assert "Broken options" in seen.screens["decisions"]
    assert "Error of a card that is gone" in seen.screens["errors"]
    header = seen.screens["loops"].splitlines()[1]
    # The loops' total leaves out the unknown cost, says so, and shows an absurd one short.
    assert "4 loops running · $1e+308 spent (1 cost negative or unknown, not counted)" in header
    assert dump(db) == before


def test_bad_numbers_read_as_unknown(tmp_path: Path) -> None:
    db = databases.with_bad_data(tmp_path / "bad.db")
    source = open_source(db, user="t")
    now = datetime.now(UTC)

    snapshot = source.snapshot(BoardQuery(), now)
    cards = {c.title: c for lane in snapshot.lanes for c in lane.cards}
    weird = source.card_detail(cards["Weird state"].id, now)

    assert cards["Weird state"].priority is None  # 'high' is not a number
    assert cards["Weird state"].total_cost_usd == -12.5
    assert cards["Cost as text"].total_cost_usd is None
    assert cards["Cost as text"].loop_iteration is None
    assert weird is not None
    costs = {a.attempt_number: a.cost_usd for a in weird.attempts}
    assert costs[1] == -1.0 and costs[2] is None
    assert {a.status for a in weird.attempts} == {"exploded", "running"}


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("2026-01-15T11:00:00Z", datetime(2026, 1, 15, 11, tzinfo=UTC)),
        ("2026-01-15T13:00:00+02:00", datetime(2026, 1, 15, 11, tzinfo=UTC)),
        ("1768474800", datetime(2026, 1, 15, 11, tzinfo=UTC)),
        ("last tuesday", None),
        ("9999-99-99 99:99:99", None),
        ("", None),
    ],
)
def test_timestamps_in_other_formats(stored: str, expected: datetime | None) -> None:
    assert parse_timestamp(stored) == expected

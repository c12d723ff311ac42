"""What the coordination source reads: the board, loops, problems and events of the demo,
filters and toggles, and databases that lack tables, hold unknown statuses or broken JSON."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ringmaster_tui.domain.snapshot import BoardQuery, Snapshot
from ringmaster_tui.domain.views import FactKind, TableData
from ringmaster_tui.domain.workflow import Tone
from ringmaster_tui.sources.base import Source
from ringmaster_tui.sources.coordination.read.board import text_filter
from ringmaster_tui.sources.coordination.sim.demo import GONE_PID
from ringmaster_tui.sources.coordination.tables import tests
from ringmaster_tui.sources.registry import open_source
from tests.builders import NOW
from tests.sources.coordination.conftest import run_sql

ALL_LISTS = frozenset({"loops", "problems", "decisions", "alerts", "events", "changes"})


@pytest.fixture
def source(coord_db: Path) -> Iterator[Source]:
    opened = open_source(coord_db, user="ann")
    yield opened
    opened.close()


def read(source: Source, **query: object) -> Snapshot:
    return source.snapshot(BoardQuery.model_validate({"lists": ALL_LISTS, **query}), NOW)


def table(source: Source, view: str, **query: object) -> TableData:
    return read(source, **query).tables[view]


def test_the_board_has_a_lane_per_status_and_cards_with_their_facts(source: Source) -> None:
    snapshot = read(source)
    assert [lane.name for lane in snapshot.lanes] == [
        "PENDING",
        "IN PROGRESS",
        "BLOCKED",
        "FAILED",
        "PASSED",
        "SKIPPED",
    ]
    assert sum(lane.count for lane in snapshot.lanes) == snapshot.totals.cards == 57
    cards = {c.id: c for lane in snapshot.lanes for c in lane.cards}
    regression = cards["CP-UFS-003"]
    assert regression.title.startswith("CP-UFS-003 ")
    assert regression.project_id == "loop-1-critical-path"
    attempts = next(f for f in regression.facts if f.kind is FactKind.PROGRESS)
    assert (attempts.number, attempts.total, attempts.tone) == (3, 3, Tone.BAD)
    assert cards["API-002"].blocked  # waits for API-001, failed
    passed = [c for c in cards.values() if c.state == "passed"]
    marks = {f.text for c in passed for f in c.facts}
    assert {"verified", "unverified"} <= marks


def test_the_picker_lists_loops_and_limits_the_board_to_one(source: Source) -> None:
    snapshot = read(source, project_id="loop-3-api")
    assert [p.id for p in snapshot.projects][:2] == ["loop-1-critical-path", "loop-2-storage"]
    cards = [c for lane in snapshot.lanes for c in lane.cards]
    assert cards and {c.project_id for c in cards} == {"loop-3-api"}
    assert sum(lane.count for lane in snapshot.lanes) == len(cards)


def test_the_filter_finds_ids_notes_and_categories(source: Source) -> None:
    by_note = read(source, text="CHECKSUM")
    assert {c.id for lane in by_note.lanes for c in lane.cards} == {
        "CP-UFS-003",
        "CP-UFS-008",
        "CP-UFS-013",
    }
    assert sum(lane.count for lane in by_note.lanes) == 3
    by_category = read(source, text="migration")
    assert all(c.id.startswith("MIG") for lane in by_category.lanes for c in lane.cards)
    assert read(source, text="100%_").lanes[0].count == 0  # LIKE's wildcards are literal


def test_an_unknown_status_goes_to_the_other_lane(coord_db: Path, source: Source) -> None:
    run_sql(coord_db, "UPDATE tests SET status = 'quarantined' WHERE id = 'UI-001'")
    snapshot = read(source)
    other = next(lane for lane in snapshot.lanes if lane.name == "OTHER")
    assert [c.id for c in other.cards] == ["UI-001"] and other.count == 1


def test_a_test_without_a_status_is_shown_too(coord_db: Path, source: Source) -> None:
    run_sql(coord_db, "UPDATE tests SET status = NULL WHERE id IN ('UI-001', 'UI-003')")
    for query in ({}, {"text": "ui-00"}):
        other = next(lane for lane in read(source, **query).lanes if lane.name == "OTHER")
        assert [c.id for c in other.cards] == ["UI-001", "UI-003"] and other.count == 2


def test_loops_show_progress_usage_heartbeat_and_a_dead_pid(source: Source) -> None:
    data = table(source, "loops")
    loops = {row.id: row for row in data.rows}
    assert next(iter(loops)) == "loop-1-critical-path"  # by priority
    assert data.summary == "loops · 4 running · 1 silent"
    ui = loops["loop-4-ui"]
    assert ui.tone is Tone.BAD  # its pid is gone
    assert ui.cells["pid"].text == f"{GONE_PID} gone"
    assert ui.cells["heartbeat"].label == "silent "
    assert ui.cells["heartbeat"].number == 9 * 60
    progress = loops["loop-3-api"].cells["progress"]
    assert progress.kind is FactKind.PROGRESS and progress.total == 12
    assert loops["loop-3-api"].cells["tokens"].number and loops["loop-3-api"].card_id
    assert loops["loop-5-migrations"].cells["status"].text == "paused"
    assert [r.id for r in table(source, "loops", view_text=(("loops", "storage"),)).rows] == [
        "loop-2-storage"
    ]


def test_a_live_pid_reads_alive(coord_db: Path, source: Source) -> None:
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) as child:
        try:
            run_sql(
                coord_db, "UPDATE loops SET pid = ? WHERE id = 'loop-1-critical-path'", child.pid
            )
            row = next(r for r in table(source, "loops").rows if r.id == "loop-1-critical-path")
            assert row.cells["pid"].text == str(child.pid)
            assert row.cells["pid"].tone is Tone.GOOD
        finally:
            child.kill()


def test_problems_put_the_deadlock_first_with_its_loops_and_resources(source: Source) -> None:
    data = table(source, "problems")
    first = data.rows[0]
    assert first.id == "deadlock:loop-2-storage,loop-3-api"
    assert first.tone is Tone.BAD
    assert first.cells["what"].text == (
        "loop-2-storage → loop-3-api → loop-2-storage over "
        "src/common/types.py, src/storage/index.py"
    )
    kinds = [row.cells["kind"].text for row in data.rows]
    assert kinds[:3] == ["DEADLOCK", "stuck txn", "expired lock"]  # the fresh txn is not stuck
    assert {"failed", "blocked"} <= set(kinds)
    assert data.summary.startswith("problems · 1 deadlock · 1 stuck transaction · 1 expired lock")
    assert data.total == len(data.rows)
    filtered = table(source, "problems", view_text=(("problems", "upload.tsx"),))
    assert [r.id for r in filtered.rows] == ["lock:src/ui/upload.tsx"]


def test_events_unacknowledged_first_the_rest_behind_a_toggle(source: Source) -> None:
    data = table(source, "events")
    assert data.total == len(data.rows) == 24
    assert {r.seen for r in data.rows} == {"unacknowledged"}
    both = table(source, "events", view_flags=frozenset({"events.acknowledged"}))
    seen = [r.seen for r in both.rows]
    assert both.total == 160 and seen == sorted(seen, key=lambda s: s != "unacknowledged")
    ages = [r.cells["age"].number or 0 for r in data.rows]
    assert ages == sorted(ages)  # newest first


def test_events_filter_by_source_type_and_text(source: Source) -> None:
    flags = frozenset({"events.acknowledged"})
    by_source = table(source, "events", view_flags=flags, view_text=(("events", "source:pm"),))
    assert by_source.rows and {r.cells["source"].text for r in by_source.rows} == {"pm"}
    typed = "source:monitor type:test_failed"
    both = table(source, "events", view_flags=flags, view_text=(("events", typed),))
    assert {(r.cells["source"].text, r.cells["type"].text) for r in both.rows} == {
        ("monitor", "test_failed")
    }
    texts = table(source, "events", view_flags=flags, view_text=(("events", "CP-UFS-004"),))
    assert texts.rows and all("CP-UFS-004" in (r.cells["payload"].text or "") for r in texts.rows)


def test_broken_json_and_hostile_text_are_kept_as_they_are(source: Source) -> None:
    both = table(source, "events", view_flags=frozenset({"events.acknowledged"}))
    assert "{not json" in {r.cells["payload"].text for r in both.rows}
    detail = source.card_detail("CP-UFS-004", NOW)
    assert detail is not None and "\x1b]2;owned\x07" in detail.title  # the UI makes it safe


def test_decisions_and_alerts_fill_the_built_in_views(source: Source) -> None:
    snapshot = read(source)
    assert [d.id for d in snapshot.decisions] == ["dec-001", "dec-002"]  # least time left first
    assert snapshot.decisions[0].deadline is not None
    assert [a.severity for a in snapshot.alerts] == ["critical", "error", "warning"]
    settled = read(source, show_decided=True, show_acknowledged=True)
    assert len(settled.decisions) == 4 and len(settled.alerts) == 5
    detail = source.decision_detail("dec-001", NOW)
    assert detail is not None and detail.context is not None
    assert [u.kind for u in snapshot.urgent] == ["decision", "decision", "alert"]


def test_the_kinds_own_counts(source: Source) -> None:
    assert read(source).counts == {
        "blocked_tests": 10,
        "deadlocks": 1,
        "failed_tests": 10,
        "pending_change_requests": 2,
        "unacknowledged_events": 24,
    }


def test_missing_tables_and_columns_are_said_not_failed(coord_db: Path) -> None:
    for name in ("events", "wait_graph", "component_health", "usage", "decisions"):
        run_sql(coord_db, f"DROP TABLE {name}")
    run_sql(coord_db, "ALTER TABLE tests DROP COLUMN verified_at")
    source = open_source(coord_db, user="ann")
    try:
        snapshot = read(source)
        assert {"events", "wait_graph", "decisions", "tests.verified_at"} <= set(
            snapshot.unavailable
        )
        assert snapshot.tables["events"].missing == "This database has no events table."
        assert snapshot.totals.pending_decisions is None
        assert snapshot.tables["problems"].rows[0].cells["kind"].text == "stuck txn"
        assert snapshot.tables["loops"].rows  # without heartbeats or usage
        assert "deadlocks" not in snapshot.counts
    finally:
        source.close()


def test_huge_notes_are_cut_before_they_leave_the_database(coord_db: Path, source: Source) -> None:
    run_sql(coord_db, "UPDATE tests SET notes = ? WHERE id = 'UI-001'", "x" * 500_000)
    card = next(c for lane in read(source).lanes for c in lane.cards if c.id == "UI-001")
    assert len(card.title) < 200
    detail = source.card_detail("UI-001", NOW)
    assert detail is not None
    notes = next(s for s in detail.sections if s.title == "Notes")
    assert notes.text is not None and len(notes.text) == 200_000


def test_a_dependency_cycle_ends_the_chain(coord_db: Path, source: Source) -> None:
    run_sql(coord_db, "UPDATE tests SET depends_on = 'UI-002' WHERE id = 'UI-001'")
    run_sql(coord_db, "UPDATE tests SET depends_on = 'UI-001' WHERE id = 'UI-002'")
    detail = source.card_detail("UI-001", NOW)
    assert detail is not None
    chain = next(s for s in detail.sections if s.title == "Depends on (chain)")
    assert [(r[0].text, r[1].text) for r in chain.rows][1:] == [("UI-001", "cycle")]


def test_the_filter_folds_case_beyond_ascii(coord_db: Path, source: Source) -> None:
    """SQLite's LIKE folds ASCII letters only; the filter folds every letter, as
    PostgreSQL's lower() does, so both engines find the same tests."""
    run_sql(coord_db, "UPDATE tests SET notes = 'Ärger beim Hochladen' WHERE id = 'UI-001'")
    found = [c.id for lane in read(source, text="äRGER").lanes for c in lane.cards]
    assert found == ["UI-001"]
    statement = sa.select(tests.c.id).where(text_filter(), tests.c.status == "failed")
    assert "= 1" not in str(statement.compile(dialect=sqlite.dialect()))
    on_postgres = str(statement.compile(dialect=postgresql.dialect()))
    assert "coalesce(tests.notes" in on_postgres and ") LIKE lower(" in on_postgres

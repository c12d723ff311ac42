"""Every statement the coordination source runs on a refresh, or to open a test, reads
an index: no large table is scanned row by row.

The statements are captured while real snapshots of a generated database run, then each
one's `EXPLAIN QUERY PLAN` is read. Without ANALYZE statistics SQLite's plans do not
depend on the row counts, so a medium database shows what a big one would get.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.coordination_bench import QUERIES, generate
from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.sources.base import Source
from ringmaster_tui.sources.registry import open_source
from tests.builders import NOW
from tests.sources.plans import Statement, sqlite_plan_steps, sqlite_selects, step_in

# Tables that grow with a run. loops, wait_graph, file_locks and component_health hold
# a row per loop, wait, lock or component: read whole (bounded by LIMIT), by design.
LARGE_TABLES = {
    "tests",
    "events",
    "usage",
    "passing_tests",
    "checkpoints",
    "transaction_log",
    "decisions",
    "alerts",
    "change_requests",
}

EXTRA_QUERIES: dict[str, BoardQuery] = {
    "everything filtered": BoardQuery(
        text="checksum",
        project_id="loop-03",
        show_decided=True,
        show_acknowledged=True,
        decision_text="decision",
        alert_text="alert",
        lists=frozenset({"loops", "problems", "decisions", "alerts", "events", "changes"}),
        view_text=(
            ("loops", "loop"),
            ("problems", "upload"),
            ("events", "source:monitor type:test_failed token"),
            ("changes", "types"),
        ),
        view_flags=frozenset({"events.acknowledged", "changes.resolved"}),
    ),
}


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Source]:
    path = tmp_path_factory.mktemp("plans") / "medium.db"
    generate(path, tests=3000, events=20_000)
    opened = open_source(path, user="tester")
    yield opened
    opened.close()


def _full_scans(source: Source, statements: list[Statement]) -> list[str]:
    """Each plan step that reads a large table row by row (not by a covering index)."""
    found = []
    for step, statement in sqlite_plan_steps(source.engine.path, statements):  # type: ignore[attr-defined]
        words = step.split()
        if words[0] != "SCAN" or words[1] not in LARGE_TABLES:
            continue
        if "COVERING INDEX" not in step:
            found.append(step_in(step, statement, 400))
    return found


ALL_QUERIES = {**QUERIES, **EXTRA_QUERIES}


@pytest.mark.parametrize("query", ALL_QUERIES.values(), ids=ALL_QUERIES.keys())
def test_no_refresh_query_scans_a_large_table(source: Source, query: BoardQuery) -> None:
    statements = sqlite_selects(source, lambda: source.snapshot(query, NOW))
    assert len(statements) > 8  # the capture saw the snapshot's queries
    assert _full_scans(source, statements) == []


def test_opening_a_test_or_a_decision_reads_indexes(source: Source) -> None:
    def open_both() -> None:
        assert source.card_detail("T-000120", NOW) is not None
        assert source.decision_detail("d1", NOW) is not None

    statements = sqlite_selects(source, open_both)
    assert len(statements) >= 6  # the test, its links, checkpoints, passes, usage; the decision
    assert _full_scans(source, statements) == []


def test_a_missing_index_would_be_caught(tmp_path: Path) -> None:
    """The check itself: without the events index the events view scans, and it says so."""
    path = tmp_path / "no-index.db"
    generate(path, tests=100, events=500)
    with sqlite3.connect(path) as conn:
        for name in ("idx_events_ack_time", "idx_events_unacknowledged", "idx_events_timestamp"):
            conn.execute(f"DROP INDEX {name}")
    source = open_source(path, user="tester")
    try:
        query = QUERIES["events view"]
        statements = sqlite_selects(source, lambda: source.snapshot(query, NOW))
        assert any("events" in scan for scan in _full_scans(source, statements))
    finally:
        source.close()

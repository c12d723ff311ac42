"""Every query the dashboard runs on a refresh, or to open a detail, reads an index.

The statements are captured as a real snapshot of a generated database runs, then each
one's `EXPLAIN QUERY PLAN` is read: no large table may be scanned row by row. Without
ANALYZE statistics (an orchestrator's database has none) SQLite's plans do not depend on
the row counts, so a medium database shows what a big one would get.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.engines.text import register_text_functions
from ringmaster_tui.sources.base import Source
from ringmaster_tui.sources.registry import open_source
from tests.builders import NOW
from tests.sources.plans import bench_generator

# Tables that grow with history. projects, acceptance_criteria, card_dependencies and
# the like stay small or are only read by key; they are still checked below when scanned
# without an index, except projects: the picker lists them all, sorted (a few dozen).
LARGE_TABLES = {"cards", "state_transitions", "attempts", "errors", "alerts", "decisions"}
SMALL_TABLES = {"projects"}


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Source:
    path = tmp_path_factory.mktemp("plans") / "medium.db"
    bench_generator("generate.py")(
        path,
        cards=3000,
        transitions=20_000,
        attempts=9000,
        errors=3000,
        alerts=300,
        decisions=60,
        now=NOW,
    )
    return open_source(path, user="tester")


def _statements(source: Source, run: Callable[[], object]) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    event.listen(source.engine.reader, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(source.engine.reader, "before_cursor_execute", record)
    return seen


def _full_scans(source: Source, statements: list[tuple[str, Any]]) -> list[str]:
    """Each plan step that reads a table row by row, with its statement."""
    conn = sqlite3.connect(source.engine.path)
    register_text_functions(conn)  # the filters fold case as the engine does
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    found = []
    for statement, parameters in statements:
        for row in conn.execute(f"EXPLAIN QUERY PLAN {statement}", parameters):
            words = row[3].split()
            # "SCAN top_0", "SCAN anon_1": a subquery's few rows, found by index. A large
            # table may only be scanned through a covering index (counts by state read
            # the small index alone); "SCAN t USING INDEX" would still visit every row.
            if words[0] != "SCAN" or words[1] not in tables or words[1] in SMALL_TABLES:
                continue
            needed = "COVERING INDEX" if words[1] in LARGE_TABLES else "INDEX"
            if needed not in row[3]:
                found.append(f"{row[3]}\n    in {' '.join(statement.split())[:400]}")
    conn.close()
    return found


REFRESH_QUERIES = {
    "plain": BoardQuery(),
    "project": BoardQuery(project_id="p3"),
    "archived": BoardQuery(show_archived=True),
    "text": BoardQuery(text="billing"),
    "text-and-project": BoardQuery(text="card 12", project_id="p3"),
    "lists-filtered": BoardQuery(
        project_id="p3",
        show_decided=True,
        show_acknowledged=True,
        loop_text="login",
        error_text="assertion",
        error_category="build",
        decision_text="decision",
        alert_text="alert",
    ),
}


@pytest.mark.parametrize("query", REFRESH_QUERIES.values(), ids=REFRESH_QUERIES.keys())
def test_no_refresh_query_scans_a_large_table(source: Source, query: BoardQuery) -> None:
    statements = _statements(source, lambda: source.snapshot(query, NOW))
    assert len(statements) > 10  # the capture saw the snapshot's queries
    assert _full_scans(source, statements) == []


def test_the_text_filter_reads_the_trigram_index(source: Source) -> None:
    statements = _statements(source, lambda: source.snapshot(BoardQuery(text="billing"), NOW))
    conn = sqlite3.connect(source.engine.path)
    register_text_functions(conn)  # the filters fold case as the engine does
    plans = [
        row[3]
        for statement, parameters in statements
        for row in conn.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
    ]
    assert any("cards_fts VIRTUAL TABLE" in step for step in plans)


def test_detail_queries_read_by_key(source: Source) -> None:
    conn = sqlite3.connect(source.engine.path)
    register_text_functions(conn)  # the filters fold case as the engine does
    card = conn.execute("SELECT id FROM cards WHERE state = 'coding' LIMIT 1").fetchone()[0]
    error = conn.execute("SELECT id FROM errors LIMIT 1").fetchone()[0]
    decision = conn.execute("SELECT id FROM decisions LIMIT 1").fetchone()[0]
    conn.close()

    def open_all() -> None:
        assert source.card_detail(card, NOW) is not None
        assert source.error_detail(error, NOW) is not None
        assert source.decision_detail(decision, NOW) is not None

    statements = _statements(source, open_all)
    assert len(statements) >= 8
    assert _full_scans(source, statements) == []


def test_a_text_too_short_for_trigrams_is_scanned(source: Source) -> None:
    """One or two characters: the index cannot help, the cards are read (and the check
    above would say so)."""
    statements = _statements(source, lambda: source.snapshot(BoardQuery(text="bi"), NOW))
    assert any("SCAN cards" in scan for scan in _full_scans(source, statements))

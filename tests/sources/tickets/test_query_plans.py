"""Every query the ticket source runs on a refresh, or to open a ticket, reads an index.

The statements are captured while a real snapshot of a generated database runs (the
benchmark's generator, medium size), then each one's EXPLAIN QUERY PLAN is read: no
large table may be scanned row by row, nor sorted whole. Only the text filter scans the
tickets (LIKE '%word%' has no index; see docs/tickets.md).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.engines.text import SQLITE_FOLD_CASE, register_text_functions
from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.sources.tickets.source import TicketsSource
from tests.builders import NOW
from tests.sources.plans import (
    Statement,
    bench_generator,
    sqlite_plan_steps,
    sqlite_selects,
    step_in,
)

LARGE_TABLES = {"tickets", "comments", "events", "workers"}
ALL_LISTS = frozenset({"loops", "problems", "events"})


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TicketsSource]:
    path = tmp_path_factory.mktemp("plans") / "medium.db"
    bench_generator("tickets_bench.py")(path, tickets=3000, comments=20_000)
    opened = open_source(path, user="tester")
    assert isinstance(opened, TicketsSource)
    yield opened
    opened.close()


def _problems(source: TicketsSource, statements: list[Statement]) -> list[str]:
    """Each plan step that reads a large table row by row, or sorts all it found, with its
    statement. An index walked in order to a LIMIT ("SCAN t USING INDEX" in a statement
    with LIMIT) reads only what it returns; without a LIMIT it would read every row."""
    found = []
    for step, statement in sqlite_plan_steps(source.engine.path, statements):  # type: ignore[attr-defined]
        limited = " LIMIT " in statement
        words = step.split()
        scan = words[0] == "SCAN" and words[1] in LARGE_TABLES
        walked = "COVERING INDEX" in step or ("USING INDEX" in step and limited)
        if (scan and not walked) or step == "USE TEMP B-TREE FOR ORDER BY":
            found.append(step_in(step, statement, 300))
    return found


REFRESH_QUERIES = {
    "board": BoardQuery(),
    "project": BoardQuery(project_id="org/project-03"),
    "views": BoardQuery(lists=ALL_LISTS),
}


@pytest.mark.parametrize("query", REFRESH_QUERIES.values(), ids=REFRESH_QUERIES.keys())
def test_no_refresh_query_scans_a_large_table(source: TicketsSource, query: BoardQuery) -> None:
    statements = sqlite_selects(source, lambda: source.snapshot(query, NOW))
    assert len(statements) >= 5
    assert _problems(source, statements) == []


def test_the_lane_reads_use_the_board_index(source: TicketsSource) -> None:
    statements = sqlite_selects(source, lambda: source.snapshot(BoardQuery(), NOW))
    conn = sqlite3.connect(source.engine.path)  # type: ignore[attr-defined]
    plans = [
        row[3]
        for statement, parameters in statements
        for row in conn.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
    ]
    conn.close()
    assert any("idx_tickets_board" in step for step in plans)


def test_detail_queries_read_by_key(source: TicketsSource) -> None:
    conn = sqlite3.connect(source.engine.path)  # type: ignore[attr-defined]
    ticket = conn.execute("SELECT ticket_id FROM comments LIMIT 1").fetchone()[0]
    conn.close()
    statements = sqlite_selects(source, lambda: source.card_detail(ticket, NOW))
    assert len(statements) >= 4
    assert _problems(source, statements) == []


def test_a_text_filter_is_the_one_scan(source: TicketsSource) -> None:
    """LIKE '%word%' has no index: the filtered board reads every ticket (docs/tickets.md
    says so), by a scan or along the open/closed index, with no key from the text;
    nothing else the snapshot reads is flagged."""
    statements = sqlite_selects(source, lambda: source.snapshot(BoardQuery(text="billing"), NOW))
    filtered = [(s, p) for s, p in statements if f"{SQLITE_FOLD_CASE}(tickets.title)" in s]
    assert len(filtered) >= 2, "the filter reaches the lane counts and the cards"
    conn = sqlite3.connect(source.engine.path)  # type: ignore[attr-defined]
    register_text_functions(conn)
    for statement, parameters in filtered:
        steps = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)]
        assert not any("ticket_id=" in step for step in steps), steps  # no key: every row
    conn.close()
    found = _problems(source, statements)
    assert all(f"{SQLITE_FOLD_CASE}(tickets.title)" in step for step in found), found

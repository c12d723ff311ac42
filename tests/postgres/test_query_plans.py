"""On PostgreSQL too, the refresh path reads indexes: the statements of real snapshots of
a generated database (copied from bench/generate.py's SQLite one, then VACUUM ANALYZEd,
as a server's autovacuum keeps it) are EXPLAINed with their parameters, and no large table
may be read by a sequential scan.

The board's text filter is the exception, as said in docs/postgresql.md: SQLite's trigram
index (FTS5) has no counterpart made by `init`, so on PostgreSQL a filter text reads the
cards' titles (test_a_text_filter_is_the_one_scan shows it, so this file would notice a
change).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.sources.base import Source
from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.sources.ringmaster.kind import RINGMASTER
from tests.builders import NOW
from tests.postgres.cluster import Cluster
from tests.postgres.data import pg_engine
from tests.postgres.plans import (
    Statement,
    captured_selects,
    described,
    generated_database,
    lane_counts_and_counting,
    large_seq_scans,
    rewrite_every_row,
)
from tests.test_query_plans import LARGE_TABLES

REFRESH_QUERIES = {
    "plain": BoardQuery(),
    "project": BoardQuery(project_id="p3"),
    "archived": BoardQuery(show_archived=True),
    "lists-filtered": BoardQuery(project_id="p3", error_category="build"),
}
# Not here, as docs/postgresql.md says: with decided decisions or acknowledged alerts
# shown AND a project picked, the planner reads those tables whole (no index leads from a
# project to its alerts); SQLite walks the time index instead.


# A busy orchestrator's years (at 40% of the benchmark's scale): most cards history, most
# errors resolved, most alerts acknowledged. Made by the server itself (generate_series):
# seconds, not minutes.
BULK_SQL = """
INSERT INTO projects (id, name, repository_url)
SELECT 'p' || i, 'project ' || i, 'https://git.example/' || i FROM generate_series(1, 20) AS i;
INSERT INTO cards (id, project_id, title, task_prompt, state, priority, loop_iteration,
                   total_cost_usd, created_at, updated_at)
SELECT 'c' || i, 'p' || (i % 20 + 1), 'card ' || i || ' billing flow', 'do it',
       (ARRAY['archived','archived','archived','archived','archived','archived','completed',
              'completed','failed','draft','planning','coding','error_fixing','code_review',
              'testing','build_queue','building','deploy_queue','deploying','verifying'])
       [CASE WHEN i % 10 < 7 THEN 1 + i % 9 ELSE 10 + i % 11 END],
       i % 5, i % 7, (i % 100) / 10.0,
       to_char(timestamp '2026-01-01' + i * interval '1 minute', 'YYYY-MM-DD HH24:MI:SS'),
       to_char(timestamp '2026-01-01' + i * interval '2 minutes', 'YYYY-MM-DD HH24:MI:SS')
FROM generate_series(1, 40000) AS i;
INSERT INTO attempts (id, card_id, attempt_number, status, started_at, cost_usd)
SELECT 'a' || i, 'c' || (i % 40000 + 1), i / 40000 + 1, 'completed',
       to_char(timestamp '2026-01-01' + i * interval '40 seconds', 'YYYY-MM-DD HH24:MI:SS'), 0.5
FROM generate_series(1, 80000) AS i;
INSERT INTO errors (id, card_id, attempt_id, error_type, message, category, resolved, created_at)
SELECT 'e' || i, 'c' || (i * 7 % 40000 + 1), 'a' || (i * 3 % 80000 + 1), 'build',
       'assertion failed ' || i, (ARRAY['build','test','deploy','runtime','other'])[1 + i % 5],
       CASE WHEN i % 100 = 0 THEN 0 ELSE 1 END,
       to_char(timestamp '2026-01-01' + i * interval '3 minutes', 'YYYY-MM-DD HH24:MI:SS')
FROM generate_series(1, 30000) AS i;
INSERT INTO state_transitions (card_id, from_state, to_state, trigger, created_at)
SELECT 'c' || (i % 40000 + 1), 'draft', 'planning', 'start_planning',
       to_char(timestamp '2026-01-01' + i * interval '20 seconds', 'YYYY-MM-DD HH24:MI:SS')
FROM generate_series(1, 100000) AS i;
INSERT INTO alerts (id, severity, alert_type, message, acknowledged, created_at, card_id)
SELECT 'al' || i, (ARRAY['info','warning','error','critical'])[1 + i % 4], 'stall',
       'alert ' || i, CASE WHEN i % 200 = 0 THEN 0 ELSE 1 END,
       to_char(timestamp '2026-01-01' + i * interval '9 minutes', 'YYYY-MM-DD HH24:MI:SS'),
       'c' || (i % 40000 + 1)
FROM generate_series(1, 25000) AS i;
INSERT INTO decisions (id, decision_type, summary, status, requested_at, card_id)
SELECT 'd' || i, 'approve', 'decision ' || i,
       CASE WHEN i % 100 = 0 THEN 'pending' ELSE 'decided' END,
       to_char(timestamp '2026-01-01' + i * interval '30 minutes', 'YYYY-MM-DD HH24:MI:SS'),
       'c' || (i % 40000 + 1)
FROM generate_series(1, 25000) AS i;
"""
# A sequential scan of a table this small is what the planner rightly prefers.
LARGE_ROWS = 20_000


@pytest.fixture(scope="module")
def url(pg_cluster: Cluster) -> str:
    no_fk_checks = "session_replication_role = replica"
    return generated_database(pg_cluster, "plans", RINGMASTER, BULK_SQL, no_fk_checks)


@pytest.fixture
def source(url: str) -> Iterator[Source]:
    opened = open_source(url, user="tester")
    yield opened
    opened.close()


def _seq_scans(url: str, statements: list[Statement]) -> list[str]:
    return described(
        large_seq_scans(url, statements, large_rows=LARGE_ROWS, large_tables=LARGE_TABLES)
    )


@pytest.mark.parametrize("query", REFRESH_QUERIES.values(), ids=REFRESH_QUERIES.keys())
def test_no_refresh_query_scans_a_large_table(source: Source, url: str, query: BoardQuery) -> None:
    statements = captured_selects(source, lambda: source.snapshot(query, NOW))
    assert len(statements) > 10  # the capture saw the snapshot's queries
    assert _seq_scans(url, statements) == []


def test_detail_queries_read_by_key(source: Source, url: str) -> None:
    engine = pg_engine(url)
    with engine.connect() as conn:
        card = conn.exec_driver_sql("SELECT id FROM cards WHERE state = 'coding' LIMIT 1").scalar()
        error = conn.exec_driver_sql("SELECT id FROM errors LIMIT 1").scalar()
        decision = conn.exec_driver_sql("SELECT id FROM decisions LIMIT 1").scalar()
    engine.dispose()

    def open_all() -> None:
        assert source.card_detail(str(card), NOW) is not None
        assert source.error_detail(str(error), NOW) is not None
        assert source.decision_detail(str(decision), NOW) is not None

    statements = captured_selects(source, open_all)
    assert len(statements) >= 8
    assert _seq_scans(url, statements) == []


def test_a_text_filter_is_the_one_scan(source: Source, url: str) -> None:
    statements = captured_selects(source, lambda: source.snapshot(BoardQuery(text="billing"), NOW))
    assert any("Seq Scan on cards" in scan for scan in _seq_scans(url, statements))


def test_cards_not_yet_vacuumed_are_counted_in_one_pass(pg_cluster: Cluster) -> None:
    """Once a vacuum has marked the table's pages all-visible, each state is counted over
    its index range alone; on a table mostly rewritten since (its pages unmarked), where a
    range per state would revisit the pages once per state, one GROUP BY pass counts them.
    The board's counts are the same either way."""
    url = generated_database(pg_cluster, "counts", RINGMASTER, BULK_SQL)
    vacuumed, counted_vacuumed = lane_counts_and_counting(url, "cards")
    assert "present_states" in counted_vacuumed
    assert "GROUP BY cards.state" not in counted_vacuumed

    rewrite_every_row(url, "cards", "priority")
    rewritten, counted_rewritten = lane_counts_and_counting(url, "cards")
    assert "GROUP BY cards.state" in counted_rewritten
    assert "present_states" not in counted_rewritten
    assert rewritten == vacuumed
    assert sum(vacuumed.values()) > 10_000  # the archived lane is hidden: not all 40,000

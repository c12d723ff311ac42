"""The coordination source (seed 003) on PostgreSQL as on SQLite: the same data reads
the same way in every view, filtered, for one loop, with each toggle, and every test and
decision opens the same; every write is one compare-and-set that refuses a lost race;
and on a few tens of thousands of ANALYZEd rows the refresh path reads indexes only."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from ringmaster_tui.domain.outcome import Outcome
from ringmaster_tui.domain.snapshot import SHAPED_NOT_LISTED, BoardQuery
from ringmaster_tui.domain.workflow import Tone
from ringmaster_tui.sources.base import Source
from ringmaster_tui.sources.coordination.kind import COORDINATION
from ringmaster_tui.sources.coordination.sim.demo import create_demo_database
from ringmaster_tui.sources.registry import open_source
from tests.builders import NOW
from tests.postgres.cluster import Cluster
from tests.postgres.compare import (
    Sql,
    dumped,
    fresh_copy,
    other_connection,
    sources_on_both,
    template_from_sqlite,
)
from tests.postgres.data import pg_engine
from tests.postgres.plans import Statement, captured_selects, generated_database, large_seq_scans
from tests.sources.coordination.test_query_plans import ALL_QUERIES, LARGE_TABLES

DEMO_SEED = 3

# Rows that order differently unless a query says how: NULL times and priorities (SQLite
# sorts NULL lowest, PostgreSQL highest), equal times (ties), no status or an unknown
# one, letters beyond ASCII in any case. Added to the demo before it is copied.
EDGE_ROWS = [
    "UPDATE loops SET pid = NULL",  # a pid is looked up only beside a file: see below
    "INSERT INTO loops (id, name, priority, status) VALUES "
    "('loop-6-äpfel', 'Äpfel und Birnen', NULL, 'running'), ('loop-0-tie', 'tie', 3, 'stopped')",
    "INSERT INTO tests (id, loop_id, category, status, attempts, max_attempts, notes, "
    "depends_on, last_attempt_at) VALUES "
    "('EDGE-001', 'loop-6-äpfel', NULL, NULL, NULL, NULL, NULL, NULL, NULL), "
    "('EDGE-002', NULL, 'ÄRGER', 'flaky', 1, 3, 'ärger im [b]upload[/b]', NULL, NULL), "
    "('EDGE-003', 'loop-6-äpfel', 'api', 'failed', 3, 3, 'Ärger: it broke', 'EDGE-002', NULL), "
    "('EDGE-004', 'loop-6-äpfel', 'api', 'blocked', 0, 3, 'waits', 'EDGE-003', NULL)",
    "INSERT INTO checkpoints (id, loop_id, test_id, git_ref, created_at) VALUES "
    "('cp-e1', 'loop-6-äpfel', 'EDGE-003', 'abc1', '2026-01-15T10:00:00Z'), "
    "('cp-e2', 'loop-6-äpfel', 'EDGE-003', 'abc2', '2026-01-15T10:00:00Z'), "
    "('cp-e3', 'loop-6-äpfel', 'EDGE-003', 'abc3', NULL)",
    "INSERT INTO usage (id, loop_id, test_id, tokens_estimated, duration_seconds, recorded_at) "
    "VALUES ('u-e1', 'loop-6-äpfel', 'EDGE-003', 10, 5, '2026-01-15T10:00:00Z'), "
    "('u-e2', 'loop-6-äpfel', 'EDGE-003', NULL, 7, '2026-01-15T10:00:00Z'), "
    "('u-e3', 'loop-6-äpfel', 'EDGE-003', 30, NULL, NULL)",
    "INSERT INTO passing_tests VALUES ('EDGE-003', 'c0ffee1', '2026-01-14T10:00:00Z'), "
    "('EDGE-003', 'c0ffee2', '2026-01-14T10:00:00Z'), ('EDGE-003', 'c0ffee3', NULL)",
    "INSERT INTO events (id, timestamp, source, event_type, payload, priority, acknowledged) "
    "VALUES ('ev-tie-a', '2026-01-15T11:59:00Z', 'monitor', 'test_failed', '{}', 1, 0), "
    "('ev-tie-c', '2026-01-15T11:59:00Z', 'monitor', 'test_failed', '{}', 1, 0), "
    "('ev-tie-b', '2026-01-15T11:59:00Z', 'monitor', 'test_failed', 'ÄRGER', NULL, 0), "
    "('ev-null', NULL, NULL, 'test_failed', 'no time', 2, 0), "
    "('ev-null-ack', NULL, 'monitor', 'test_failed', 'no time', 2, 1)",
    "INSERT INTO alerts (id, severity, alert_type, message, acknowledged, created_at) VALUES "
    "('al-tie-b', 'critical', 'x', 'tie b', 0, '2026-01-15T11:55:00Z'), "
    "('al-tie-a', 'critical', 'x', 'tie a', 0, '2026-01-15T11:55:00Z'), "
    "('al-null', 'critical', 'x', 'no time', 0, NULL), "
    "('al-no-severity', NULL, 'x', 'Ärger', 0, '2026-01-15T11:00:00Z'), "
    "('al-fatal', 'fatal', 'x', 'unknown severity', 0, '2026-01-15T11:00:00Z'), "
    "('al-ack-tie', 'warning', 'x', 'old', 1, '2026-01-15T10:40:00Z')",
    "INSERT INTO decisions (id, summary, options, status, requested_at, timeout_minutes) VALUES "
    "('dec-tie-b', 'tie b', '[\"a\"]', 'pending', '2026-01-15T11:50:00Z', 30), "
    "('dec-tie-a', 'tie a', '[\"a\"]', 'pending', '2026-01-15T11:50:00Z', 30), "
    "('dec-null', 'no time', 'not json', 'pending', NULL, NULL), "
    "('dec-old-b', 'settled b', '[]', 'decided', '2026-01-15T07:00:00Z', 30), "
    "('dec-old-null', 'settled, no time', '[]', 'expired', NULL, 30)",
    "INSERT INTO change_requests (id, resource_path, description, status, requested_at) VALUES "
    "('cr-tie-b', 'src/a.py', 'tie b', 'pending', '2026-01-15T11:35:00Z'), "
    "('cr-tie-a', 'src/a.py', 'tie a', 'pending', '2026-01-15T11:35:00Z'), "
    "('cr-null', 'src/b.py', 'Ärger', 'pending', NULL)",
    "INSERT INTO transaction_log (id, operation, loop_id, status, started_at) VALUES "
    "('tx-tie-b', 'merge', 'loop-0-tie', 'in_progress', '2026-01-15T11:20:00Z'), "
    "('tx-tie-a', 'merge', 'loop-0-tie', 'in_progress', '2026-01-15T11:20:00Z'), "
    "('tx-null', 'merge', 'loop-0-tie', 'in_progress', NULL)",
]


@pytest.fixture(scope="module")
def sqlite_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo at the tests' fixed NOW (its ages and deadlines are then the same), with
    the edge rows."""
    path = tmp_path_factory.mktemp("coordination") / "demo.db"
    create_demo_database(path, seed=DEMO_SEED, now=NOW)
    with closing(sqlite3.connect(path)) as conn, conn:
        for statement in EDGE_ROWS:
            conn.execute(statement)
    return path


@pytest.fixture(scope="module")
def pg_template(pg_cluster: Cluster, sqlite_demo: Path) -> str:
    return template_from_sqlite(pg_cluster, "coord_template", COORDINATION, sqlite_demo)


@pytest.fixture
def pg_url(pg_cluster: Cluster, pg_template: str) -> str:
    """A fresh copy of the demo on PostgreSQL."""
    return fresh_copy(pg_cluster, "coord", pg_template)


@pytest.fixture
def both(sqlite_demo: Path, pg_url: str, tmp_path: Path) -> Iterator[tuple[Source, Source]]:
    path = tmp_path / "demo.db"
    shutil.copyfile(sqlite_demo, path)
    with sources_on_both(path, pg_url) as (lite, pg):
        assert (lite.kind, pg.kind) == ("coordination", "coordination")
        yield lite, pg


def _views(source: Source) -> frozenset[str]:
    return frozenset(offer.view_id for offer in source.capabilities.views) - SHAPED_NOT_LISTED


def _queries(source: Source) -> dict[str, BoardQuery]:
    lists = _views(source)
    loop = source.snapshot(BoardQuery(), NOW).projects[0].id
    every_view = tuple((view, "a") for view in sorted(lists))
    found = {
        "every view": BoardQuery(lists=lists),
        "board filtered": BoardQuery(lists=lists, text="api"),
        "filtered, any case": BoardQuery(lists=lists, text="UPLOAD"),
        "filtered, beyond ASCII": BoardQuery(lists=lists, text="äRGER"),
        "one loop": BoardQuery(lists=lists, project_id=loop),
        "one loop, filtered": BoardQuery(lists=lists, project_id=loop, text="e"),
        "short lanes": BoardQuery(lists=lists, per_lane=2),
        "everything shown": BoardQuery(
            lists=lists,
            show_decided=True,
            show_acknowledged=True,
            view_flags=frozenset({"events.acknowledged", "changes.resolved"}),
        ),
        "every view filtered": BoardQuery(
            lists=lists,
            decision_text="a",
            alert_text="e",
            view_text=every_view,
            show_decided=True,
            show_acknowledged=True,
            view_flags=frozenset({"events.acknowledged", "changes.resolved"}),
        ),
        "events by source and type": BoardQuery(
            lists=lists,
            view_text=(("events", "source:monitor type:test_failed"),),
            view_flags=frozenset({"events.acknowledged"}),
        ),
    }
    for view in sorted(lists):
        found[f"{view} alone"] = BoardQuery(lists=frozenset({view}))
    return found


def test_the_same_data_makes_the_same_snapshots(both: tuple[Source, Source]) -> None:
    lite, pg = both
    for label, query in _queries(lite).items():
        expected = lite.snapshot(query, NOW)
        assert dumped(pg.snapshot(query, NOW)) == dumped(expected), label
    # The comparison saw every list the source offers, with rows in them, and the edge
    # rows where the engines would differ unless told: NULL lowest, ties by id.
    full = pg.snapshot(_queries(lite)["everything shown"], NOW)
    assert set(full.tables) == _views(lite) - {"decisions", "alerts"}
    assert all(table.rows for table in full.tables.values())
    assert full.decisions and full.alerts and full.urgent
    events = [row.id for row in full.tables["events"].rows]
    assert events[:3] == ["ev-tie-c", "ev-tie-b", "ev-tie-a"]
    assert events.index("ev-null") < events.index("ev-null-ack") == len(events) - 1
    changes = [row.id for row in full.tables["changes"].rows]
    assert changes[:5] == ["cr-null", "cr-002", "cr-001", "cr-tie-a", "cr-tie-b"]
    assert [a.id for a in full.alerts][:4] == ["alert-001", "al-tie-b", "al-tie-a", "al-null"]
    assert full.tables["loops"].rows[0].id == "loop-6-äpfel"  # no priority
    other = next(lane for lane in full.lanes if lane.name == "OTHER")
    assert {card.id for card in other.cards} == {"EDGE-001", "EDGE-002"}
    found = pg.snapshot(BoardQuery(text="äRGER"), NOW)
    assert {c.id for lane in found.lanes for c in lane.cards} == {"EDGE-002", "EDGE-003"}


def test_the_same_tests_and_decisions_open_the_same_way(both: tuple[Source, Source]) -> None:
    lite, pg = both
    snapshot = lite.snapshot(BoardQuery(lists=frozenset({"decisions"}), show_decided=True), NOW)
    cards = [card.id for lane in snapshot.lanes for card in lane.cards]
    assert len(cards) > 20
    for card_id in [*cards, "NO-SUCH-TEST"]:
        assert dumped(pg.card_detail(card_id, NOW)) == dumped(lite.card_detail(card_id, NOW)), (
            card_id
        )
    assert {"dec-null", "dec-tie-a", "dec-old-null"} <= {d.id for d in snapshot.decisions}
    for decision in snapshot.decisions:
        assert dumped(pg.decision_detail(decision.id, NOW)) == dumped(
            lite.decision_detail(decision.id, NOW)
        )
    # The test with tied and missing times in its checkpoints, usage and passes.
    detail = pg.card_detail("EDGE-003", NOW)
    assert detail is not None
    sections = {section.title: section for section in detail.sections}
    assert [row[0].text for row in sections["Checkpoints"].rows] == ["abc2", "abc1", "abc3"]
    assert [row[0].text for row in sections["Passing history"].rows] == [
        "c0ffee2",
        "c0ffee1",
        "c0ffee3",
    ]
    assert [row[1].text for row in sections["Depends on (chain)"].rows] == ["flaky"]


def test_a_loops_pid_is_shown_as_stored_on_a_server(pg_url: str, sql: Sql) -> None:
    """A pid is looked up only in a SQLite file's own machine: a server's loops may run
    anywhere, so a running loop's pid is never called gone there."""
    sql("UPDATE loops SET pid = 4194400 WHERE id = 'loop-4-ui'")  # no process has it here
    source = open_source(pg_url, user="ann")
    try:
        rows = source.snapshot(BoardQuery(lists=frozenset({"loops"})), NOW).tables["loops"].rows
    finally:
        source.close()
    pid = next(row for row in rows if row.id == "loop-4-ui").cells["pid"]
    assert (pid.text, pid.tone) == ("4194400", Tone.PLAIN)


# --- writes ---


@pytest.fixture
def sql(pg_url: str) -> Iterator[Sql]:
    """Statements run by another connection (another dashboard, or a loop)."""
    with other_connection(pg_url, tuples=True) as run:
        yield run


@pytest.fixture
def pg(pg_url: str) -> Iterator[Source]:
    source = open_source(pg_url, user="ann")
    yield source
    source.close()


def _human_events(sql: Sql) -> list[tuple[str, str, dict[str, Any], int]]:
    found = sql(
        "SELECT event_type, correlation_id, payload, acknowledged FROM events "
        "WHERE source = 'human' ORDER BY timestamp, id"
    )
    return [
        (kind, correlation, json.loads(payload), ack) for kind, correlation, payload, ack in found
    ]


def _status(sql: Sql, test_id: str) -> str:
    return str(sql("SELECT status FROM tests WHERE id = :i", i=test_id)[0][0])


def test_each_move_of_a_test_is_one_compare_and_set_with_its_event(pg: Source, sql: Sql) -> None:
    guarded = pg.transition("BLD-001", "failed", "retry", "pending")
    assert not guarded.ok and "used all its attempts" in guarded.message
    assert _status(sql, "BLD-001") == "failed" and _human_events(sql) == []
    moves = {
        "API-002": ("blocked", "unblock", "pending", "test_unblocked"),
        "API-001": ("failed", "retry", "pending", "test_retry_requested"),
        "API-009": ("pending", "skip", "skipped", "test_skipped"),
        "BLD-001": ("failed", "force", "pending", "test_forced"),  # out of attempts
    }
    for test_id, (seen, trigger, to_state, _) in moves.items():
        outcome = pg.transition(test_id, seen, trigger, to_state)
        assert outcome.ok, outcome.message
        assert _status(sql, test_id) == to_state
    written = {
        correlation: (kind, payload, ack) for kind, correlation, payload, ack in _human_events(sql)
    }
    assert set(written) == set(moves)
    for test_id, (seen, trigger, to_state, kind) in moves.items():
        assert written[test_id][0] == kind
        payload = written[test_id][1]
        assert payload["by"] == "ann" and payload["trigger"] == trigger
        assert (payload["from_status"], payload["to_status"]) == (seen, to_state)
        assert written[test_id][2] == 0  # for the loops to read


def test_a_move_after_another_changed_the_test_is_refused(pg: Source, sql: Sql) -> None:
    sql("UPDATE tests SET status = 'in_progress' WHERE id = 'API-002'")
    outcome = pg.transition("API-002", "blocked", "unblock", "pending")
    assert not outcome.ok
    assert outcome.message == "API-002 is in_progress now (you saw blocked); nothing was written."
    assert _status(sql, "API-002") == "in_progress" and _human_events(sql) == []


def test_a_move_racing_another_writer_is_refused_once_it_commits(
    pg: Source, pg_url: str, sql: Sql
) -> None:
    """Another transaction changes the test and holds it; the move waits for the row,
    then finds it changed (its snapshot is older: tried again) and writes nothing."""
    other = pg_engine(pg_url)
    conn = other.connect()
    held = conn.begin()
    conn.execute(sa.text("UPDATE tests SET status = 'in_progress' WHERE id = 'API-003'"))
    outcomes: list[Outcome] = []
    move = threading.Thread(
        target=lambda: outcomes.append(pg.transition("API-003", "blocked", "unblock", "pending"))
    )
    move.start()
    try:
        _wait_for_a_lock_wait(sql)
        held.commit()
    finally:
        move.join(timeout=30)
        conn.close()
        other.dispose()
    (outcome,) = outcomes
    assert not outcome.ok
    assert outcome.message == "API-003 is in_progress now (you saw blocked); nothing was written."
    assert _status(sql, "API-003") == "in_progress" and _human_events(sql) == []


def _wait_for_a_lock_wait(sql: Sql) -> None:
    """Until some backend waits for a lock (the move, blocked on the held row)."""
    for _ in range(3000):
        if sql("SELECT 1 FROM pg_locks WHERE NOT granted"):
            return
        time.sleep(0.01)
    raise AssertionError("the move never waited for the held row")


def test_deciding_is_compare_and_set(pg: Source, sql: Sql) -> None:
    decided = pg.decide("dec-001", "merge by hand", "keep both")
    assert decided.ok, decided.message
    assert sql(
        "SELECT status, decided_by, choice, comment FROM decisions WHERE id = 'dec-001'"
    ) == [("decided", "ann", "merge by hand", "keep both")]
    sql("UPDATE decisions SET status = 'auto_resolved' WHERE id = 'dec-002'")
    lost = pg.decide("dec-002", "keep api", None)
    assert not lost.ok
    assert lost.message == (
        "This decision was settled meanwhile (decided, auto-resolved or expired); "
        "nothing was written."
    )
    assert sql("SELECT status, decided_by, choice FROM decisions WHERE id = 'dec-002'") == [
        ("auto_resolved", None, None)
    ]
    assert [(kind, c) for kind, c, _, _ in _human_events(sql)] == [("decision_made", "dec-001")]


def test_acknowledging_alerts_and_events_is_compare_and_set(pg: Source, sql: Sql) -> None:
    sql("UPDATE alerts SET acknowledged = 1, acknowledged_by = 'bo' WHERE id = 'alert-002'")
    alerts = pg.acknowledge_alerts(["alert-001", "alert-002"])
    assert alerts.ok and alerts.changed == 1
    assert alerts.message == "Acknowledged 1 alert(s); 1 had been acknowledged meanwhile."
    assert sql(
        "SELECT id, acknowledged, acknowledged_by FROM alerts "
        "WHERE id IN ('alert-001', 'alert-002') ORDER BY id"
    ) == [("alert-001", 1, "ann"), ("alert-002", 1, "bo")]
    again = pg.acknowledge_alerts(["alert-001"])
    assert (again.ok, again.message) == (
        False,
        "That alert was already acknowledged; nothing was written.",
    )

    ids = [row[0] for row in sql("SELECT id FROM events WHERE acknowledged = 0 ORDER BY id")][:3]
    sql("UPDATE events SET acknowledged = 1, acknowledged_by = 'monitor' WHERE id = :i", i=ids[0])
    events = pg.act("events", "acknowledge_listed", [(i, "unacknowledged") for i in ids])
    assert events.ok and events.changed == 2
    assert events.message == "Acknowledged 2 event(s); 1 had been acknowledged meanwhile."
    marks = sql(
        "SELECT acknowledged_by, acknowledged_at IS NOT NULL FROM events "
        "WHERE id IN (:a, :b, :c) ORDER BY acknowledged_by",
        a=ids[0],
        b=ids[1],
        c=ids[2],
    )
    assert marks == [("ann", True), ("ann", True), ("monitor", False)]
    lost = pg.act("events", "acknowledge", [(ids[0], "unacknowledged")])
    assert (lost.ok, lost.message) == (
        False,
        "That event was already acknowledged; nothing was written.",
    )


def test_resolving_change_requests_is_compare_and_set(pg: Source, sql: Sql) -> None:
    assert pg.act("changes", "approve", [("cr-001", "pending")]).ok
    sql("UPDATE change_requests SET status = 'rejected', resolved_by = 'loop' WHERE id = 'cr-002'")
    lost = pg.act("changes", "approve", [("cr-002", "pending")])
    assert (lost.ok, lost.message) == (
        False,
        "This change request was resolved meanwhile; nothing was written.",
    )
    assert sql(
        "SELECT id, status, resolved_by FROM change_requests "
        "WHERE id IN ('cr-001', 'cr-002') ORDER BY id"
    ) == [("cr-001", "approved", "human"), ("cr-002", "rejected", "loop")]
    assert [(kind, c) for kind, c, _, _ in _human_events(sql)] == [
        ("change_request_approved", "cr-001")
    ]


# --- query plans ---

# A long run's tables, made by the server itself (generate_series, seconds): most tests
# passed, most events, alerts and decisions settled, a few of each still waiting.
BULK_SQL = """
INSERT INTO loops (id, name, priority, branch, status, created_at, updated_at)
SELECT 'loop-' || lpad(i::text, 2, '0'), 'Loop ' || i, i, 'loop/' || i,
       CASE WHEN i % 4 = 0 THEN 'paused' ELSE 'running' END,
       '2026-01-15T11:00:00Z', '2026-01-15T11:00:00Z'
FROM generate_series(1, 20) AS i;
INSERT INTO tests (id, loop_id, category, status, attempts, max_attempts, last_result,
                   depends_on, notes, spec_content, last_attempt_at, created_at)
SELECT 'T-' || lpad(i::text, 6, '0'), 'loop-' || lpad((i % 20 + 1)::text, 2, '0'),
       (ARRAY['ufs','api','build','ui','migration'])[1 + i % 5],
       (ARRAY['passed','passed','passed','passed','passed','passed','passed','pending',
              'pending','failed','blocked','skipped','in_progress'])[1 + i % 13],
       i % 4, 3, NULL, CASE WHEN i % 3 = 0 THEN 'T-' || lpad((i - 1)::text, 6, '0') END,
       (ARRAY['upload','resume','checksum','paginate'])[1 + i % 4] || ' case ' || i,
       'Given a case', to_char(timestamp '2026-01-01' + i * interval '1 minute',
       'YYYY-MM-DD"T"HH24:MI:SS"Z"'), '2026-01-01T00:00:00Z'
FROM generate_series(1, 30000) AS i;
INSERT INTO events (id, timestamp, source, event_type, payload, correlation_id, priority,
                    acknowledged, acknowledged_by)
SELECT 'ev-' || i, to_char(timestamp '2026-01-10' + i * interval '5 seconds',
       'YYYY-MM-DD"T"HH24:MI:SS"Z"'), (ARRAY['monitor','pm','human','loop-01'])[1 + i % 4],
       (ARRAY['test_started','test_passed','test_failed','file_locked'])[1 + i % 4],
       '{"test": "T-' || lpad((i % 30000)::text, 6, '0') || '"}',
       'T-' || lpad((i % 30000)::text, 6, '0'), 1 + i % 3,
       CASE WHEN i % 100 = 0 THEN 0 ELSE 1 END, CASE WHEN i % 100 = 0 THEN NULL ELSE 'monitor' END
FROM generate_series(1, 60000) AS i;
INSERT INTO usage (id, loop_id, test_id, tokens_estimated, duration_seconds, files_modified,
                   recorded_at)
SELECT 'u-' || i, 'loop-' || lpad((i % 20 + 1)::text, 2, '0'),
       'T-' || lpad((i % 30000)::text, 6, '0'), 1000 + i % 5000, 10 + i % 900, '[]',
       to_char(timestamp '2026-01-01' + i * interval '30 seconds', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
FROM generate_series(1, 30000) AS i;
INSERT INTO checkpoints (id, loop_id, test_id, git_ref, checkpoint_type, created_at)
SELECT 'cp-' || i, 'loop-01', 'T-' || lpad((i % 30000)::text, 6, '0'), 'ref' || i, 'pre',
       to_char(timestamp '2026-01-01' + i * interval '30 seconds', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
FROM generate_series(1, 30000) AS i;
INSERT INTO passing_tests (test_id, commit_hash, passed_at)
SELECT 'T-' || lpad((i % 30000)::text, 6, '0'), md5(i::text), '2026-01-14T00:00:00Z'
FROM generate_series(1, 30000) AS i;
INSERT INTO decisions (id, summary, options, status, requested_at, timeout_minutes)
SELECT 'd' || i, 'decision ' || i, '["a", "b"]',
       CASE WHEN i % 100 = 0 THEN 'pending' ELSE 'decided' END,
       to_char(timestamp '2026-01-01' + i * interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       30
FROM generate_series(1, 20000) AS i;
INSERT INTO alerts (id, severity, alert_type, source, message, acknowledged, created_at)
SELECT 'a' || i, (ARRAY['critical','error','warning','info'])[1 + i % 4], 'stuck', 'monitor',
       'alert ' || i, CASE WHEN i % 100 = 0 THEN 0 ELSE 1 END,
       to_char(timestamp '2026-01-01' + i * interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
FROM generate_series(1, 20000) AS i;
INSERT INTO change_requests (id, resource_path, requestor_loop, owner_loop, request_type,
                             description, status, requested_at)
SELECT 'cr' || i, 'src/f' || (i % 300) || '.py', 'loop-01', 'loop-02', 'modify', 'change ' || i,
       CASE WHEN i % 100 = 0 THEN 'pending' ELSE 'applied' END,
       to_char(timestamp '2026-01-01' + i * interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
FROM generate_series(1, 20000) AS i;
INSERT INTO transaction_log (id, operation, loop_id, steps, status, started_at)
SELECT 'tx' || i, 'test_pass', 'loop-01', '[]',
       CASE WHEN i % 2000 = 0 THEN 'in_progress' ELSE 'committed' END,
       to_char(timestamp '2026-01-01' + i * interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
FROM generate_series(1, 20000) AS i;
INSERT INTO file_locks (file_path, locked_by, locked_at, expires_at)
SELECT 'src/f' || i || '.py', 'loop-01', '2026-01-15T11:00:00Z',
       to_char(timestamp '2026-01-15 11:00' + i * interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
FROM generate_series(1, 200) AS i;
INSERT INTO wait_graph (waiter, holder, resource, waiting_since)
SELECT 'loop-0' || i, 'loop-0' || (i % 3 + 1), 'src/f' || i || '.py', '2026-01-15T11:50:00Z'
FROM generate_series(1, 3) AS i;
INSERT INTO component_health (component, last_heartbeat, status, metadata)
SELECT 'loop-' || lpad(i::text, 2, '0'), '2026-01-15T11:59:00Z', 'healthy', '{}'
FROM generate_series(1, 20) AS i;
"""
# A sequential scan of a table this small is what the planner rightly prefers.
LARGE_ROWS = 10_000


@pytest.fixture(scope="module")
def plans_url(pg_cluster: Cluster) -> str:
    no_fk_checks = "session_replication_role = replica"
    return generated_database(pg_cluster, "coord_plans", COORDINATION, BULK_SQL, no_fk_checks)


@pytest.fixture
def plans_source(plans_url: str) -> Iterator[Source]:
    opened = open_source(plans_url, user="tester")
    yield opened
    opened.close()


def _seq_scans(
    url: str, statements: list[Statement], dropping: tuple[str, ...] = ()
) -> list[tuple[str, str]]:
    """(table, statement) of each sequential scan of a large table in the statements'
    plans; with the indexes `dropping` dropped meanwhile (put back after)."""
    return large_seq_scans(
        url, statements, large_rows=LARGE_ROWS, large_tables=LARGE_TABLES, dropping=dropping
    )


def test_the_generated_tables_are_large(plans_url: str) -> None:
    engine = pg_engine(plans_url)
    with engine.connect() as conn:
        sizes = dict(
            conn.exec_driver_sql(
                "SELECT relname, reltuples FROM pg_class WHERE relkind = 'r'"
            ).all()
        )
    engine.dispose()
    assert all(sizes[table] >= LARGE_ROWS for table in LARGE_TABLES), sizes


@pytest.mark.parametrize("query", ALL_QUERIES.values(), ids=ALL_QUERIES.keys())
def test_no_refresh_query_scans_a_large_table(
    plans_source: Source, plans_url: str, query: BoardQuery
) -> None:
    """Except where a filter text is typed: with no trigram index (SQLite's FTS5 has no
    counterpart here), a text is looked for in the rows of the status or flag it goes
    with, which the planner rightly reads by a scan when they are most of the table."""
    statements = captured_selects(plans_source, lambda: plans_source.snapshot(query, NOW))
    assert len(statements) > 8  # the capture saw the snapshot's queries
    scans = _seq_scans(plans_url, statements)
    assert [(table, sql[:400]) for table, sql in scans if " LIKE " not in sql] == []


def test_a_filter_text_is_the_one_scan(plans_source: Source, plans_url: str) -> None:
    """The exception above is real (were it gone, docs/coordination.md would say too much)."""
    query = ALL_QUERIES["everything filtered"]
    statements = captured_selects(plans_source, lambda: plans_source.snapshot(query, NOW))
    scanned = {table for table, sql in _seq_scans(plans_url, statements) if " LIKE " in sql}
    assert scanned and scanned <= {"decisions", "change_requests", "tests", "events", "alerts"}


def test_a_missing_index_would_be_caught(plans_source: Source, plans_url: str) -> None:
    """The check itself: without the events indexes the events view scans, and it says so."""
    query = ALL_QUERIES["events, with acknowledged"]
    statements = captured_selects(plans_source, lambda: plans_source.snapshot(query, NOW))
    dropped = ("idx_events_ack_time", "idx_events_unacknowledged", "idx_events_timestamp")
    assert "events" in {table for table, _ in _seq_scans(plans_url, statements, dropped)}
    assert _seq_scans(plans_url, statements) == []  # and the indexes are back


def test_opening_a_test_or_a_decision_reads_indexes(plans_source: Source, plans_url: str) -> None:
    def open_both() -> None:
        assert plans_source.card_detail("T-000120", NOW) is not None
        assert plans_source.decision_detail("d100", NOW) is not None

    statements = captured_selects(plans_source, open_both)
    assert len(statements) >= 6  # the test, its links, checkpoints, passes, usage; the decision
    assert _seq_scans(plans_url, statements) == []

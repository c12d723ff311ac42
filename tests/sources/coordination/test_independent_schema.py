"""A coordination database made from DDL written here, straight from seed 003's column
tables (none of the source's own indexes or defaults), opens as a coordination database
and shows what it holds; the source's schema has exactly seed 003's tables and columns."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.sources.coordination.tables import TABLES
from ringmaster_tui.sources.registry import open_source
from tests.builders import NOW

# Seed 003, table by table, column by column, as its reference lists them.
SEED_003 = """
CREATE TABLE loops (id TEXT PRIMARY KEY, name TEXT, priority INTEGER, branch TEXT,
  status TEXT, current_test_id TEXT, pid INTEGER, created_at TEXT, updated_at TEXT);
CREATE TABLE tests (id TEXT PRIMARY KEY, loop_id TEXT REFERENCES loops(id), category TEXT,
  status TEXT, attempts INTEGER, max_attempts INTEGER, last_result TEXT, depends_on TEXT,
  automatable INTEGER, notes TEXT, spec_content TEXT, last_attempt_at TEXT, passed_at TEXT,
  verified_at TEXT, created_at TEXT);
CREATE INDEX tests_loop ON tests(loop_id);
CREATE INDEX tests_status ON tests(status);
CREATE INDEX tests_depends ON tests(depends_on);
CREATE TABLE events (id TEXT PRIMARY KEY, timestamp TEXT, source TEXT, event_type TEXT,
  payload TEXT, correlation_id TEXT, priority INTEGER, acknowledged INTEGER,
  acknowledged_by TEXT, acknowledged_at TEXT);
CREATE INDEX events_ts ON events(timestamp);
CREATE INDEX events_unacked ON events(acknowledged) WHERE acknowledged = 0;
CREATE TABLE subscriptions (id TEXT PRIMARY KEY, subscriber TEXT, event_types TEXT,
  filter_sources TEXT, last_poll_at TEXT, active INTEGER);
CREATE TABLE file_locks (file_path TEXT PRIMARY KEY, locked_by TEXT, locked_at TEXT,
  lock_reason TEXT, expires_at TEXT, test_id TEXT);
CREATE TABLE wait_graph (waiter TEXT, holder TEXT, resource TEXT, waiting_since TEXT,
  PRIMARY KEY (waiter, holder, resource));
CREATE TABLE knowledge (id TEXT PRIMARY KEY, loop_id TEXT, item_type TEXT, topic TEXT,
  content TEXT, confidence REAL, evidence TEXT, affected_areas TEXT, superseded_by TEXT,
  created_at TEXT);
CREATE TABLE resources (path TEXT PRIMARY KEY, owner_loop TEXT, resource_type TEXT,
  description TEXT, created_at TEXT);
CREATE TABLE change_requests (id TEXT PRIMARY KEY, resource_path TEXT, requestor_loop TEXT,
  owner_loop TEXT, request_type TEXT, description TEXT, status TEXT, requested_at TEXT,
  resolved_at TEXT, resolved_by TEXT);
CREATE TABLE migrations (number INTEGER PRIMARY KEY, name TEXT, loop_id TEXT,
  file_path TEXT, status TEXT, allocated_at TEXT, applied_at TEXT);
CREATE TABLE checkpoints (id TEXT PRIMARY KEY, loop_id TEXT, test_id TEXT, git_ref TEXT,
  checkpoint_type TEXT, created_at TEXT, deleted_at TEXT);
CREATE TABLE passing_tests (test_id TEXT, commit_hash TEXT, passed_at TEXT,
  PRIMARY KEY (test_id, commit_hash));
CREATE TABLE decisions (id TEXT PRIMARY KEY, decision_type TEXT, summary TEXT,
  options TEXT, default_option TEXT, context TEXT, timeout_minutes INTEGER, status TEXT,
  requested_at TEXT, requested_by TEXT, decided_at TEXT, decided_by TEXT, choice TEXT,
  comment TEXT);
CREATE TABLE usage (id TEXT PRIMARY KEY, loop_id TEXT, test_id TEXT,
  tokens_estimated INTEGER, duration_seconds INTEGER, files_modified TEXT,
  recorded_at TEXT);
CREATE TABLE component_health (component TEXT PRIMARY KEY, last_heartbeat TEXT,
  status TEXT, metadata TEXT);
CREATE TABLE alerts (id TEXT PRIMARY KEY, severity TEXT, alert_type TEXT, source TEXT,
  message TEXT, context TEXT, acknowledged INTEGER, acknowledged_by TEXT,
  acknowledged_at TEXT, created_at TEXT);
CREATE TABLE transaction_log (id TEXT PRIMARY KEY, operation TEXT, loop_id TEXT,
  steps TEXT, status TEXT, started_at TEXT, completed_at TEXT);
"""

ROWS = """
INSERT INTO loops VALUES ('loop-1', 'Critical path', 1, 'main', 'running', 'CP-UFS-002',
  NULL, '2026-01-15T09:00:00Z', '2026-01-15T11:59:00Z');
INSERT INTO loops VALUES ('loop-2', 'Docs', 2, 'docs', 'stopped', NULL, NULL, NULL, NULL);
INSERT INTO tests (id, loop_id, category, status, attempts, max_attempts, last_result,
  depends_on, notes) VALUES
  ('CP-UFS-001', 'loop-1', 'ufs', 'passed', 1, 3, 'pass', NULL, 'Upload a file'),
  ('CP-UFS-002', 'loop-1', 'ufs', 'in_progress', 1, 3, NULL, 'CP-UFS-001', 'Resume it'),
  ('CP-UFS-003', 'loop-1', 'ufs', 'blocked', 3, 3, 'blocked', 'CP-UFS-002', 'Share it'),
  ('DOC-001', 'loop-2', 'specification', 'failed', 2, 3, 'fail', NULL, 'Write the spec');
INSERT INTO wait_graph VALUES ('loop-1', 'loop-2', 'a.py', '2026-01-15T11:50:00Z'),
  ('loop-2', 'loop-1', 'b.py', '2026-01-15T11:51:00Z');
INSERT INTO events VALUES ('e1', '2026-01-15T11:58:00Z', 'loop-1', 'test_started',
  '{"test": "CP-UFS-002"}', 'CP-UFS-002', 2, 0, NULL, NULL);
INSERT INTO decisions (id, decision_type, summary, options, default_option,
  timeout_minutes, status, requested_at) VALUES ('d1', 'stuck', 'Skip CP-UFS-003?',
  '["skip", "wait"]', 'wait', 30, 'pending', '2026-01-15T11:40:00Z');
INSERT INTO alerts (id, severity, alert_type, source, message, acknowledged, created_at)
  VALUES ('a1', 'critical', 'stuck', 'monitor', 'loop-1 is stuck', 0, '2026-01-15T11:30:00Z');
"""


def _seed_columns() -> dict[str, set[str]]:
    with closing(sqlite3.connect(":memory:")) as conn:
        conn.executescript(SEED_003)
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: {r[1] for r in conn.execute(f"PRAGMA table_info({n})")} for n in names}


def test_the_source_schema_has_exactly_seed_003s_tables_and_columns() -> None:
    ours = {name: {c.name for c in table.columns} for name, table in TABLES.items()}
    assert ours == _seed_columns()


def test_a_database_from_seed_003s_tables_opens_and_shows_everything(tmp_path: Path) -> None:
    db = tmp_path / "coordination.db"
    with closing(sqlite3.connect(db)) as conn:
        conn.executescript(SEED_003 + ROWS)
    source = open_source(db, user="ann")
    try:
        assert source.kind == "coordination"
        lists = frozenset({"loops", "problems", "decisions", "alerts", "events", "changes"})
        snapshot = source.snapshot(BoardQuery(lists=lists), NOW)
        assert snapshot.unavailable == ()
        lanes = {lane.name: lane.count for lane in snapshot.lanes}
        assert lanes == {
            "PENDING": 0,
            "IN PROGRESS": 1,
            "BLOCKED": 1,
            "FAILED": 1,
            "PASSED": 1,
            "SKIPPED": 0,
        }
        blocked = {c.id: c.blocked for lane in snapshot.lanes for c in lane.cards}
        assert blocked == {
            "CP-UFS-001": False,
            "CP-UFS-002": False,
            "CP-UFS-003": True,  # waits for CP-UFS-002, in progress
            "DOC-001": False,
        }
        assert snapshot.totals.active_loops == 1
        assert snapshot.totals.pending_decisions == 1
        assert snapshot.totals.unacknowledged_alerts == 1
        assert [p.id for p in snapshot.projects] == ["loop-1", "loop-2"]
        problems = snapshot.tables["problems"].rows
        assert problems[0].id == "deadlock:loop-1,loop-2"
        assert [r.id for r in snapshot.tables["events"].rows] == ["e1"]
        assert [r.id for r in snapshot.tables["loops"].rows] == ["loop-1", "loop-2"]
        assert snapshot.decisions[0].options == ("skip", "wait")
        detail = source.card_detail("CP-UFS-003", NOW)
        assert detail is not None
        chain = next(s for s in detail.sections if s.title == "Depends on (chain)")
        assert [r[0].text for r in chain.rows] == ["CP-UFS-002", "CP-UFS-001"]
    finally:
        source.close()

"""The coordination database's DDL: seed 003's tables, with every column it lists, its
named indexes, and the indexes the dashboard's refresh queries read.

The dashboard's lists are ordered by a time and then by id, so that rows with the same
time come in the same order on every engine; the indexes end in id to read them so."""

from __future__ import annotations

import re

from ringmaster_tui.engines import POSTGRESQL, postgres_ddl

SCHEMA_SQL = """
PRAGMA foreign_keys = ON;
PRAGMA journal_mode = WAL;

CREATE TABLE loops (
    id TEXT PRIMARY KEY,
    name TEXT,
    priority INTEGER,
    branch TEXT,
    status TEXT,
    current_test_id TEXT,
    pid INTEGER,
    created_at TEXT,
    updated_at TEXT
);

CREATE TABLE tests (
    id TEXT PRIMARY KEY,
    loop_id TEXT REFERENCES loops(id),
    category TEXT,
    status TEXT DEFAULT 'pending',
    attempts INTEGER DEFAULT 0,
    max_attempts INTEGER DEFAULT 3,
    last_result TEXT,
    depends_on TEXT,
    automatable INTEGER DEFAULT 1,
    notes TEXT,
    spec_content TEXT,
    last_attempt_at TEXT,
    passed_at TEXT,
    verified_at TEXT,
    created_at TEXT
);
CREATE INDEX idx_tests_loop ON tests(loop_id);
CREATE INDEX idx_tests_status ON tests(status);
CREATE INDEX idx_tests_depends ON tests(depends_on);
-- A lane's first cards in order, and a loop's lanes and progress from the index alone.
CREATE INDEX idx_tests_status_id ON tests(status, id);
CREATE INDEX idx_tests_loop_status_id ON tests(loop_id, status, id);

CREATE TABLE events (
    id TEXT PRIMARY KEY,
    timestamp TEXT,
    source TEXT,
    event_type TEXT,
    payload TEXT,
    correlation_id TEXT,
    priority INTEGER,
    acknowledged INTEGER DEFAULT 0,
    acknowledged_by TEXT,
    acknowledged_at TEXT
);
CREATE INDEX idx_events_timestamp ON events(timestamp);
CREATE INDEX idx_events_source ON events(source);
CREATE INDEX idx_events_type ON events(event_type);
CREATE INDEX idx_events_unacknowledged ON events(acknowledged) WHERE acknowledged = 0;
CREATE INDEX idx_events_correlation ON events(correlation_id);
-- The events view: unacknowledged (or acknowledged) ones, newest first (ties by id).
CREATE INDEX idx_events_ack_time ON events(acknowledged, timestamp, id);

CREATE TABLE subscriptions (
    id TEXT PRIMARY KEY,
    subscriber TEXT,
    event_types TEXT,
    filter_sources TEXT,
    last_poll_at TEXT,
    active INTEGER DEFAULT 1
);

CREATE TABLE file_locks (
    file_path TEXT PRIMARY KEY,
    locked_by TEXT,
    locked_at TEXT,
    lock_reason TEXT,
    expires_at TEXT,
    test_id TEXT
);
CREATE INDEX idx_file_locks_expires ON file_locks(expires_at);

CREATE TABLE wait_graph (
    waiter TEXT,
    holder TEXT,
    resource TEXT,
    waiting_since TEXT,
    PRIMARY KEY (waiter, holder, resource)
);

CREATE TABLE knowledge (
    id TEXT PRIMARY KEY,
    loop_id TEXT REFERENCES loops(id),
    item_type TEXT,
    topic TEXT,
    content TEXT,
    confidence REAL,
    evidence TEXT,
    affected_areas TEXT,
    superseded_by TEXT,
    created_at TEXT
);

CREATE TABLE resources (
    path TEXT PRIMARY KEY,
    owner_loop TEXT REFERENCES loops(id),
    resource_type TEXT,
    description TEXT,
    created_at TEXT
);

CREATE TABLE change_requests (
    id TEXT PRIMARY KEY,
    resource_path TEXT REFERENCES resources(path),
    requestor_loop TEXT REFERENCES loops(id),
    owner_loop TEXT REFERENCES loops(id),
    request_type TEXT,
    description TEXT,
    status TEXT DEFAULT 'pending',
    requested_at TEXT,
    resolved_at TEXT,
    resolved_by TEXT
);
CREATE INDEX idx_change_requests_status ON change_requests(status, requested_at, id);

CREATE TABLE migrations (
    number INTEGER PRIMARY KEY,
    name TEXT,
    loop_id TEXT REFERENCES loops(id),
    file_path TEXT,
    status TEXT,
    allocated_at TEXT,
    applied_at TEXT
);

CREATE TABLE checkpoints (
    id TEXT PRIMARY KEY,
    loop_id TEXT REFERENCES loops(id),
    test_id TEXT REFERENCES tests(id),
    git_ref TEXT,
    checkpoint_type TEXT,
    created_at TEXT,
    deleted_at TEXT
);
CREATE INDEX idx_checkpoints_test ON checkpoints(test_id, created_at, id);

CREATE TABLE passing_tests (
    test_id TEXT,
    commit_hash TEXT,
    passed_at TEXT,
    PRIMARY KEY (test_id, commit_hash)
);

CREATE TABLE decisions (
    id TEXT PRIMARY KEY,
    decision_type TEXT,
    summary TEXT,
    options TEXT,
    default_option TEXT,
    context TEXT,
    timeout_minutes INTEGER,
    status TEXT DEFAULT 'pending',
    requested_at TEXT,
    requested_by TEXT,
    decided_at TEXT,
    decided_by TEXT,
    choice TEXT,
    comment TEXT
);
CREATE INDEX idx_decisions_status ON decisions(status, requested_at, id);

CREATE TABLE usage (
    id TEXT PRIMARY KEY,
    loop_id TEXT REFERENCES loops(id),
    test_id TEXT,
    tokens_estimated INTEGER,
    duration_seconds INTEGER,
    files_modified TEXT,
    recorded_at TEXT
);
-- A loop's tokens and time summed from the index alone; a test's usage by the index.
CREATE INDEX idx_usage_loop ON usage(loop_id, tokens_estimated, duration_seconds);
CREATE INDEX idx_usage_test ON usage(test_id, recorded_at, id);

CREATE TABLE component_health (
    component TEXT PRIMARY KEY,
    last_heartbeat TEXT,
    status TEXT,
    metadata TEXT
);

CREATE TABLE alerts (
    id TEXT PRIMARY KEY,
    severity TEXT,
    alert_type TEXT,
    source TEXT,
    message TEXT,
    context TEXT,
    acknowledged INTEGER DEFAULT 0,
    acknowledged_by TEXT,
    acknowledged_at TEXT,
    created_at TEXT
);
CREATE INDEX idx_alerts_unacknowledged ON alerts(acknowledged, severity, created_at, id);

CREATE TABLE transaction_log (
    id TEXT PRIMARY KEY,
    operation TEXT,
    loop_id TEXT REFERENCES loops(id),
    steps TEXT,
    status TEXT,
    started_at TEXT,
    completed_at TEXT
);
CREATE INDEX idx_transaction_log_status ON transaction_log(status, started_at, id);
"""


def schema_sql(engine_kind: str = "sqlite") -> str:
    """The schema script for an engine: as written for SQLite, translated for PostgreSQL
    (text timestamps and JSON stay text, integers stay integers)."""
    if engine_kind == POSTGRESQL:
        return nulls_first_indexes(postgres_ddl(SCHEMA_SQL))
    return SCHEMA_SQL


_INDEX_COLUMNS = re.compile(r"(?im)^(CREATE\s+(?:UNIQUE\s+)?INDEX\s+\w+\s+ON\s+\w+\s*)\(([^()]*)\)")


def nulls_first_indexes(pg_ddl: str) -> str:
    """Every index column made NULLS FIRST: the queries order NULL lowest, as SQLite
    does (`ascending`), and a PostgreSQL index then reads rows in that order too."""

    def columns(match: re.Match[str]) -> str:
        names = ", ".join(f"{name.strip()} NULLS FIRST" for name in match.group(2).split(","))
        return f"{match.group(1)}({names})"

    return _INDEX_COLUMNS.sub(columns, pg_ddl)

"""Ralph-Advanced's schema (seed 002) in SQLite's dialect: every table and index of the
seed, the indexes the dashboard's reads need, and the seed's initial-data statement.

The seed ships a default admin whose password is printed in its documentation; the
statement here keeps its shape but stores "!", a hash no password matches (a locked
account, as in /etc/shadow): set a real one with Ralph's own tooling.
"""

from __future__ import annotations

import re
from functools import cache

from ringmaster_tui.engines import POSTGRESQL, postgres_ddl

SEED_TABLES: tuple[str, ...] = (
    "users",
    "projects",
    "features",
    "stories",
    "story_history",
    "agent_executions",
    "quality_gate_results",
    "git_commits",
    "progress_logs",
    "system_logs",
)

SEED_INDEXES: tuple[str, ...] = (
    "idx_stories_feature_id",
    "idx_stories_status",
    "idx_story_history_story_id",
    "idx_agent_executions_story_id",
    "idx_quality_gate_results_story_id",
    "idx_git_commits_feature_id",
    "idx_progress_logs_feature_id",
    "idx_system_logs_timestamp",
)

_TABLES = """
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username VARCHAR(50) UNIQUE NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    last_login TIMESTAMP
);

CREATE TABLE projects (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name VARCHAR(255) NOT NULL,
    description TEXT,
    backend_repo_url VARCHAR(500),
    mobile_repo_url VARCHAR(500),
    frontend_repo_url VARCHAR(500),
    status VARCHAR(50) DEFAULT 'idle', -- idle, running, paused, completed, error
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    created_by INTEGER REFERENCES users(id)
);

CREATE TABLE features (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name VARCHAR(255) NOT NULL,
    description TEXT,
    branch_name VARCHAR(255) NOT NULL,
    prd_json TEXT NOT NULL, -- JSON string of the full PRD
    status VARCHAR(50) DEFAULT 'pending', -- pending, in_progress, completed, failed
    total_stories INTEGER DEFAULT 0,
    completed_stories INTEGER DEFAULT 0,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    started_at TIMESTAMP,
    completed_at TIMESTAMP
);

CREATE TABLE stories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    feature_id INTEGER NOT NULL REFERENCES features(id) ON DELETE CASCADE,
    story_id VARCHAR(50) NOT NULL, -- e.g., US-001
    repo VARCHAR(50) NOT NULL, -- backend, mobile, frontend
    title VARCHAR(500) NOT NULL,
    description TEXT,
    acceptance_criteria TEXT, -- JSON array
    priority INTEGER DEFAULT 1,
    status VARCHAR(50) DEFAULT 'pending',
    dependencies TEXT, -- JSON array of story IDs
    assigned_agent VARCHAR(100),
    attempt_count INTEGER DEFAULT 0,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    started_at TIMESTAMP,
    completed_at TIMESTAMP
);

CREATE TABLE story_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    action VARCHAR(100) NOT NULL, -- implementation_started, review_failed, etc.
    agent VARCHAR(100),
    notes TEXT,
    metadata TEXT -- JSON for additional data
);

CREATE TABLE agent_executions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    agent_name VARCHAR(100) NOT NULL,
    started_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    completed_at TIMESTAMP,
    status VARCHAR(50) DEFAULT 'running', -- running, success, failed
    input_data TEXT, -- JSON
    output_data TEXT, -- JSON
    error_message TEXT,
    duration_seconds INTEGER
);

CREATE TABLE quality_gate_results (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    gate_name VARCHAR(100) NOT NULL, -- code_review, qa, security
    status VARCHAR(50) NOT NULL, -- pass, fail
    timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    details TEXT, -- JSON with specific findings
    agent_execution_id INTEGER REFERENCES agent_executions(id)
);

CREATE TABLE git_commits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    feature_id INTEGER NOT NULL REFERENCES features(id) ON DELETE CASCADE,
    repo VARCHAR(50) NOT NULL,
    commit_hash VARCHAR(40) NOT NULL,
    commit_message TEXT NOT NULL,
    files_changed TEXT, -- JSON array
    timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE progress_logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    feature_id INTEGER NOT NULL REFERENCES features(id) ON DELETE CASCADE,
    story_id INTEGER REFERENCES stories(id),
    timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    agent VARCHAR(100),
    log_type VARCHAR(50), -- learning, error, info
    message TEXT NOT NULL
);

CREATE TABLE system_logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    level VARCHAR(20) NOT NULL, -- INFO, WARNING, ERROR
    source VARCHAR(100) NOT NULL, -- orchestrator, worker, etc.
    message TEXT NOT NULL,
    metadata TEXT -- JSON
);
"""

_SEED_INDEXES = """
CREATE INDEX idx_stories_feature_id ON stories(feature_id);
CREATE INDEX idx_stories_status ON stories(status);
CREATE INDEX idx_story_history_story_id ON story_history(story_id);
CREATE INDEX idx_agent_executions_story_id ON agent_executions(story_id);
CREATE INDEX idx_quality_gate_results_story_id ON quality_gate_results(story_id);
CREATE INDEX idx_git_commits_feature_id ON git_commits(feature_id);
CREATE INDEX idx_progress_logs_feature_id ON progress_logs(feature_id);
CREATE INDEX idx_system_logs_timestamp ON system_logs(timestamp);
"""

# The dashboard's own: each serves a refresh-path read (a lane's first cards in order,
# a feature's lane, the problems newest first, the running executions, a story's
# commits). A database made by Ralph itself lacks them; its reads still work, slower.
DASHBOARD_INDEXES = """
CREATE INDEX idx_stories_status_priority ON stories(status, priority, id);
CREATE INDEX idx_stories_feature_status ON stories(feature_id, status, priority, id);
CREATE INDEX idx_stories_feature_story_id ON stories(feature_id, story_id, status);
CREATE INDEX idx_stories_status_updated ON stories(status, updated_at);
CREATE INDEX idx_agent_executions_status_started ON agent_executions(status, started_at);
CREATE INDEX idx_quality_gate_results_status_time ON quality_gate_results(status, timestamp);
CREATE INDEX idx_git_commits_story_id ON git_commits(story_id);
CREATE INDEX idx_progress_logs_story_id ON progress_logs(story_id);
CREATE INDEX idx_system_logs_level_time ON system_logs(level, timestamp);
CREATE INDEX idx_features_project_id ON features(project_id, status);
CREATE INDEX idx_features_status ON features(status, id);
"""

# Seed 002's initial data, its example password left out (see the module's note).
INITIAL_DATA = """
INSERT INTO users (username, password_hash) VALUES ('Admin', '!');
"""


def schema_sql() -> str:
    """The whole script `init --source ralph` runs on SQLite."""
    return (
        "PRAGMA journal_mode = WAL;\n" + _TABLES + _SEED_INDEXES + DASHBOARD_INDEXES + INITIAL_DATA
    )


# The dashboard's ordered reads sort NULL first ascending, as SQLite does (engines/sql.py
# `ascending`, `descending`), with the id as the last tie-break: on PostgreSQL, whose
# indexes keep NULL last and have no implicit rowid, these indexes say both, so each
# serves its read in order, forwards or backwards, as SQLite's does.
PG_INDEX_COLUMNS: dict[str, str] = {
    "idx_stories_status_priority": "(status, priority NULLS FIRST, id)",
    "idx_stories_feature_status": "(feature_id, status, priority NULLS FIRST, id)",
    "idx_stories_status_updated": "(status, updated_at NULLS FIRST, id)",
    "idx_agent_executions_status_started": "(status, started_at NULLS FIRST, id)",
    "idx_quality_gate_results_status_time": "(status, timestamp NULLS FIRST, id)",
    "idx_system_logs_level_time": "(level, timestamp NULLS FIRST, id)",
}


def _postgres_schema() -> str:
    script = postgres_ddl(schema_sql())
    for name, columns in PG_INDEX_COLUMNS.items():
        head = re.search(rf"CREATE INDEX {name} ON \w+ \([^)]*\)", script)
        if head is None:
            raise LookupError(f"the index {name} is not in the schema")
        on_table = head.group(0).split("(", 1)[0]
        script = script[: head.start()] + on_table + columns + script[head.end() :]
    return script


@cache
def schema_for(engine_kind: str) -> str:
    """The script for an engine: SQLite's as it is, translated for PostgreSQL (identity
    keys, bigint, text; the TIMESTAMP columns stay text holding SQLite's
    'YYYY-MM-DD HH:MM:SS', so both engines hold and sort the same values)."""
    if engine_kind == POSTGRESQL:
        return _postgres_schema()
    return schema_sql()

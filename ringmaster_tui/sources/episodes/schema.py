"""The episodic memory store's schema (seed 004), in valid SQLite, and the tables the
queries are written against.

Seed 004 writes its indexes inside CREATE TABLE (MySQL style), which SQLite rejects; here
they are CREATE INDEX statements under the seed's own names. The 1.1.0 migration's
`episodes.embedding_version` column is part of the table, and the seed's FTS table is
kept in step with `episodes` by triggers (an external-content FTS table holds no text
of its own). A few composite indexes serve the dashboard's queries; they are named
`idx_dash_*` so that they read as the dashboard's, not the agent's.

`embeddings` and `episodes_fts` are optional: a database made before 1.1.0, or without
FTS, still opens (the readers check what is present).

On PostgreSQL the same script is translated by engines/postgres/ddl.py: text timestamps
and JSON stay text, the vectors' BLOB is bytea, and the FTS table and its triggers are
left out (the filters never read it; see read/context.py).
"""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa

from ringmaster_tui.engines import POSTGRESQL, SQLITE, postgres_ddl

EPISODES_DDL = """\
PRAGMA journal_mode = WAL;
PRAGMA foreign_keys = ON;

CREATE TABLE episodes (
    id TEXT PRIMARY KEY,
    task_type TEXT NOT NULL,
    domain TEXT NOT NULL,
    context TEXT,
    status TEXT NOT NULL DEFAULT 'active',
    success_rate REAL,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    completed_at DATETIME,
    metadata TEXT, -- JSON blob
    embedding_version TEXT -- added by migration 1.1.0
);
CREATE INDEX idx_episodes_domain ON episodes (domain);
CREATE INDEX idx_episodes_status ON episodes (status);
CREATE INDEX idx_episodes_created ON episodes (created_at);

CREATE TABLE steps (
    id TEXT PRIMARY KEY,
    episode_id TEXT NOT NULL,
    step_number INTEGER NOT NULL,
    action TEXT NOT NULL,
    result TEXT,
    duration_ms INTEGER,
    success BOOLEAN,
    timestamp DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (episode_id) REFERENCES episodes(id) ON DELETE CASCADE
);
CREATE INDEX idx_steps_episode ON steps (episode_id);
CREATE INDEX idx_steps_timestamp ON steps (timestamp);

CREATE TABLE patterns (
    id TEXT PRIMARY KEY,
    pattern_type TEXT NOT NULL,
    pattern_data TEXT NOT NULL, -- JSON
    success_rate REAL NOT NULL,
    usage_count INTEGER DEFAULT 0,
    last_used DATETIME,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    metadata TEXT -- JSON blob
);
CREATE INDEX idx_patterns_type ON patterns (pattern_type);
CREATE INDEX idx_patterns_success ON patterns (success_rate);
CREATE INDEX idx_patterns_usage ON patterns (usage_count);

CREATE TABLE embeddings (
    id TEXT PRIMARY KEY,
    episode_id TEXT NOT NULL,
    content TEXT NOT NULL,
    embedding BLOB NOT NULL, -- Vector data
    model_name TEXT NOT NULL,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (episode_id) REFERENCES episodes(id) ON DELETE CASCADE
);
CREATE INDEX idx_embeddings_episode ON embeddings (episode_id);

CREATE VIRTUAL TABLE episodes_fts USING fts5(
    task_type, domain, context, content='episodes', content_rowid='rowid'
);
CREATE TRIGGER episodes_fts_insert AFTER INSERT ON episodes BEGIN
    INSERT INTO episodes_fts (rowid, task_type, domain, context)
    VALUES (new.rowid, new.task_type, new.domain, new.context);
END;
CREATE TRIGGER episodes_fts_delete AFTER DELETE ON episodes BEGIN
    INSERT INTO episodes_fts (episodes_fts, rowid, task_type, domain, context)
    VALUES ('delete', old.rowid, old.task_type, old.domain, old.context);
END;
CREATE TRIGGER episodes_fts_update AFTER UPDATE OF task_type, domain, context ON episodes BEGIN
    INSERT INTO episodes_fts (episodes_fts, rowid, task_type, domain, context)
    VALUES ('delete', old.rowid, old.task_type, old.domain, old.context);
    INSERT INTO episodes_fts (rowid, task_type, domain, context)
    VALUES (new.rowid, new.task_type, new.domain, new.context);
END;

-- The dashboard's: lanes by status newest first (all domains, or one), failed episodes
-- by when they ended, failed steps newest first, a live episode's steps in order, the
-- patterns by type and success or usage, embeddings counted by model.
CREATE INDEX idx_dash_episodes_status_created ON episodes (status, created_at);
CREATE INDEX idx_dash_episodes_domain_status ON episodes (domain, status, created_at);
CREATE INDEX idx_dash_episodes_status_completed ON episodes (status, completed_at);
CREATE INDEX idx_dash_steps_success_time ON steps (success, timestamp);
CREATE INDEX idx_dash_steps_episode_number ON steps (episode_id, step_number);
CREATE INDEX idx_dash_patterns_type_success ON patterns (pattern_type, success_rate);
CREATE INDEX idx_dash_patterns_type_usage ON patterns (pattern_type, usage_count);
CREATE INDEX idx_dash_embeddings_episode_model ON embeddings (episode_id, model_name);
"""

OPTIONAL_TABLES = ("embeddings", "episodes_fts")

metadata = sa.MetaData()

episodes = sa.Table(
    "episodes",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("task_type", sa.Text, nullable=False),
    sa.Column("domain", sa.Text, nullable=False),
    sa.Column("context", sa.Text),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("success_rate", sa.REAL),
    sa.Column("created_at", sa.Text),
    sa.Column("completed_at", sa.Text),
    sa.Column("metadata", sa.Text),
    sa.Column("embedding_version", sa.Text),
)

steps = sa.Table(
    "steps",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("episode_id", sa.Text, nullable=False),
    sa.Column("step_number", sa.Integer, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("result", sa.Text),
    sa.Column("duration_ms", sa.Integer),
    sa.Column("success", sa.Boolean),
    sa.Column("timestamp", sa.Text),
)

patterns = sa.Table(
    "patterns",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("pattern_type", sa.Text, nullable=False),
    sa.Column("pattern_data", sa.Text, nullable=False),
    sa.Column("success_rate", sa.REAL, nullable=False),
    sa.Column("usage_count", sa.Integer),
    sa.Column("last_used", sa.Text),
    sa.Column("created_at", sa.Text),
    sa.Column("metadata", sa.Text),
)

embeddings = sa.Table(
    "embeddings",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("episode_id", sa.Text, nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("embedding", sa.LargeBinary, nullable=False),
    sa.Column("model_name", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text),
)


@cache
def schema_sql(engine_kind: str = SQLITE) -> str:
    """The schema script for an engine: as written for SQLite, translated for PostgreSQL."""
    if engine_kind == POSTGRESQL:
        return postgres_ddl(EPISODES_DDL)
    return EPISODES_DDL

"""The ticket/worker system's schema: seed 001's tables exactly as it gives them, then the
indexes the dashboard's queries need, and the same tables for SQLAlchemy Core.

The seed's DDL is kept word for word (CREATE TABLE IF NOT EXISTS, its checks and its
defaults); what is added comes after it and says so.
"""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa

from ringmaster_tui.engines import POSTGRESQL, postgres_ddl

SEED_DDL = """\
CREATE TABLE IF NOT EXISTS projects (
    repository_name TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    short_description TEXT,
    created_at TEXT NOT NULL DEFAULT (datetime('now')),
    updated_at TEXT NOT NULL DEFAULT (datetime('now'))
);

CREATE TABLE IF NOT EXISTS worker_types (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id TEXT NOT NULL,
    worker_type TEXT NOT NULL,
    short_description TEXT,
    system_prompt TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (datetime('now')),
    updated_at TEXT NOT NULL DEFAULT (datetime('now')),
    FOREIGN KEY (project_id) REFERENCES projects(repository_name) ON DELETE CASCADE,
    UNIQUE(project_id, worker_type)
);

CREATE TABLE IF NOT EXISTS tickets (
    ticket_id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL,
    title TEXT NOT NULL,
    execution_plan TEXT NOT NULL, -- JSON array of worker types
    last_completed_stage TEXT NOT NULL DEFAULT 'Planned',
    created_at TEXT NOT NULL DEFAULT (datetime('now')),
    updated_at TEXT NOT NULL DEFAULT (datetime('now')),
    closed_at TEXT NULL,
    FOREIGN KEY (project_id) REFERENCES projects(repository_name) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id TEXT NOT NULL,
    worker_type TEXT,
    worker_id TEXT,
    stage_number INTEGER,
    content TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (datetime('now')),
    FOREIGN KEY (ticket_id) REFERENCES tickets(ticket_id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS workers (
    worker_id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL,
    worker_type TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('spawning', 'active', 'idle', 'finished', 'failed')),
    pid INTEGER,
    queue_name TEXT NOT NULL,
    started_at TEXT NOT NULL DEFAULT (datetime('now')),
    last_activity TEXT NOT NULL DEFAULT (datetime('now')),
    FOREIGN KEY (project_id) REFERENCES projects(repository_name) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_type TEXT NOT NULL CHECK (event_type IN ('ticket_stage_completed', 'worker_stopped')),
    ticket_id TEXT,
    worker_id TEXT,
    stage TEXT,
    reason TEXT,
    created_at TEXT NOT NULL DEFAULT (datetime('now')),
    processed BOOLEAN NOT NULL DEFAULT 0
);
"""

# The dashboard's additions: WAL (readers never block the orchestrator) and one index per
# refresh-path query (tests/sources/tickets/test_query_plans.py holds them to it).
DASHBOARD_DDL = """\
PRAGMA journal_mode = WAL;

-- The board: open tickets counted by (plan, stage), the Closed lane newest first.
-- Covering, so counting the lanes never reads the table.
CREATE INDEX IF NOT EXISTS idx_tickets_board
    ON tickets(closed_at, execution_plan, last_completed_stage, updated_at);
-- The board of one project (the `p` picker): its lanes' counts and newest cards.
CREATE INDEX IF NOT EXISTS idx_tickets_project_board
    ON tickets(project_id, closed_at, updated_at, execution_plan, last_completed_stage);
-- A lane's newest cards: open tickets newest first, the (plan, stage) of each in the
-- index, so a lane reads the table only for the cards it shows. Also problems: open
-- tickets that have not moved for longest.
CREATE INDEX IF NOT EXISTS idx_tickets_stalled
    ON tickets(closed_at, updated_at, execution_plan, last_completed_stage);
-- Open tickets and closed ones apart (partial indexes): PostgreSQL orders rows by an
-- index only when no IS NULL test comes before the order's columns, and counts the
-- closed tickets from the narrow one. The lanes' counts and newest cards, the stalled
-- tickets oldest first, the Closed lane newest closed first.
CREATE INDEX IF NOT EXISTS idx_tickets_open
    ON tickets(updated_at, ticket_id, execution_plan, last_completed_stage)
    WHERE closed_at IS NULL;
CREATE INDEX IF NOT EXISTS idx_tickets_closed
    ON tickets(closed_at, ticket_id) WHERE closed_at IS NOT NULL;
-- A ticket's comments thread, and the comments of a stage.
CREATE INDEX IF NOT EXISTS idx_comments_ticket ON comments(ticket_id, id);
-- A ticket's events; the events view unprocessed first; worker_stopped for problems.
CREATE INDEX IF NOT EXISTS idx_events_ticket ON events(ticket_id, id);
CREATE INDEX IF NOT EXISTS idx_events_processed ON events(processed, id);
CREATE INDEX IF NOT EXISTS idx_events_type ON events(event_type, id);
-- Failed workers for problems; active workers for the cards (worker_id: equal times
-- come in one order on every engine).
CREATE INDEX IF NOT EXISTS idx_workers_status ON workers(status, last_activity, worker_id);
-- The workers view: last heard from first.
CREATE INDEX IF NOT EXISTS idx_workers_activity ON workers(last_activity);
"""


def tickets_ddl() -> str:
    """The schema script for SQLite: the seed's tables, then the dashboard's indexes."""
    return SEED_DDL + "\n" + DASHBOARD_DDL


@cache
def schema_for(engine_kind: str) -> str:
    """The schema script for an engine: SQLite's as it is, translated for PostgreSQL
    (timestamps and the JSON plans stay text, `processed` becomes a boolean)."""
    if engine_kind == POSTGRESQL:
        return postgres_ddl(tickets_ddl())
    return tickets_ddl()


metadata = sa.MetaData()

projects = sa.Table(
    "projects",
    metadata,
    sa.Column("repository_name", sa.Text, primary_key=True),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("short_description", sa.Text),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("updated_at", sa.Text, nullable=False),
)

worker_types = sa.Table(
    "worker_types",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("project_id", sa.Text, nullable=False),
    sa.Column("worker_type", sa.Text, nullable=False),
    sa.Column("short_description", sa.Text),
    sa.Column("system_prompt", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("updated_at", sa.Text, nullable=False),
)

tickets = sa.Table(
    "tickets",
    metadata,
    sa.Column("ticket_id", sa.Text, primary_key=True),
    sa.Column("project_id", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("execution_plan", sa.Text, nullable=False),
    sa.Column("last_completed_stage", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("updated_at", sa.Text, nullable=False),
    sa.Column("closed_at", sa.Text),
)

comments = sa.Table(
    "comments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ticket_id", sa.Text, nullable=False),
    sa.Column("worker_type", sa.Text),
    sa.Column("worker_id", sa.Text),
    sa.Column("stage_number", sa.Integer),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
)

workers = sa.Table(
    "workers",
    metadata,
    sa.Column("worker_id", sa.Text, primary_key=True),
    sa.Column("project_id", sa.Text, nullable=False),
    sa.Column("worker_type", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("pid", sa.Integer),
    sa.Column("queue_name", sa.Text, nullable=False),
    sa.Column("started_at", sa.Text, nullable=False),
    sa.Column("last_activity", sa.Text, nullable=False),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_type", sa.Text, nullable=False),
    sa.Column("ticket_id", sa.Text),
    sa.Column("worker_id", sa.Text),
    sa.Column("stage", sa.Text),
    sa.Column("reason", sa.Text),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("processed", sa.Boolean, nullable=False),
)

WORKER_STATUSES: tuple[str, ...] = ("spawning", "active", "idle", "finished", "failed")
EVENT_TYPES: tuple[str, ...] = ("ticket_stage_completed", "worker_stopped")

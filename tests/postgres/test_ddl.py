"""SQLite DDL made into PostgreSQL DDL, run on a real server: types, defaults, identity
keys, booleans, triggers, full-text tables left out, and refusals naming the statement."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from ringmaster_tui.engines.postgres.ddl import (
    UntranslatableError,
    expected_schema,
    split_statements,
    sqlite_to_postgres,
)
from ringmaster_tui.sources.registry import KINDS
from tests.postgres.cluster import Cluster
from tests.postgres.data import pg_engine

SEED_STYLE = """
PRAGMA foreign_keys = ON;
-- a comment; with a semicolon
CREATE TABLE IF NOT EXISTS workers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name VARCHAR(20) NOT NULL UNIQUE COLLATE NOCASE,
    user TEXT,
    busy BOOLEAN NOT NULL DEFAULT 0 CHECK (busy IN (0, 1)),
    ratio REAL DEFAULT 0.5,
    money NUMERIC(10, 2),
    blob_data BLOB,
    meta JSON DEFAULT '{}',
    seen_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    created_at TEXT NOT NULL DEFAULT (datetime('now')),
    stamp TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    token TEXT DEFAULT (lower(hex(randomblob(16))))
);
CREATE INDEX idx_workers_free ON workers(name) WHERE busy = 0;
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    worker_id INTEGER REFERENCES workers(id) ON DELETE CASCADE,
    what TEXT NOT NULL,
    at TEXT DEFAULT (datetime('now')),
    UNIQUE(worker_id, what)
) WITHOUT ROWID;
CREATE TRIGGER workers_audit AFTER INSERT ON workers
BEGIN
    INSERT INTO audit (worker_id, what) VALUES (NEW.id, 'hired ' || NEW.name);
END;
CREATE TRIGGER workers_stamp AFTER UPDATE ON workers
BEGIN
    UPDATE workers SET seen_at = datetime('now') WHERE id = NEW.id;
END;
CREATE VIRTUAL TABLE workers_fts USING fts5(name, content='workers');
CREATE TRIGGER workers_fts_insert AFTER INSERT ON workers BEGIN
    INSERT INTO workers_fts (rowid, name) VALUES (NEW.id, NEW.name);
END;
CREATE VIEW idle AS SELECT id, name FROM workers WHERE busy = 0;
"""


@pytest.fixture
def pg(pg_cluster: Cluster) -> Iterator[sa.Engine]:
    engine = pg_engine(pg_cluster.url(pg_cluster.new_database("ddl"), password="postgres"))
    yield engine
    engine.dispose()


def _run(engine: sa.Engine, ddl: str) -> None:
    with engine.begin() as conn:
        for statement in split_statements(ddl):
            conn.exec_driver_sql(statement)


def test_the_seed_style_schema_runs_on_sqlite_as_written() -> None:
    conn = sqlite3.connect(":memory:")
    conn.executescript(SEED_STYLE)
    conn.close()


def test_a_translated_schema_keeps_values_as_sqlite_writes_them(pg: sa.Engine) -> None:
    ddl = sqlite_to_postgres(SEED_STYLE)
    assert "PRAGMA" not in ddl and "fts5" not in ddl and "workers_fts" not in ddl
    _run(pg, ddl)
    with pg.begin() as conn:
        conn.exec_driver_sql("INSERT INTO workers (name) VALUES ('ann'), ('bob')")
        row = conn.exec_driver_sql("SELECT * FROM workers ORDER BY id").mappings().first()
        assert row is not None
        assert row["id"] == 1 and row["busy"] is False and row["ratio"] == 0.5
        assert row["meta"] == "{}"  # JSON kept as text
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row["created_at"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row["seen_at"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", row["stamp"])
        assert re.fullmatch(r"[0-9a-f]{32}", row["token"])
        assert conn.exec_driver_sql("SELECT what FROM audit ORDER BY id").scalars().all() == [
            "hired ann",
            "hired bob",
        ]
        conn.exec_driver_sql("UPDATE workers SET seen_at = 'old', busy = true WHERE id = 1")
        seen = conn.exec_driver_sql("SELECT seen_at FROM workers WHERE id = 1").scalar()
        assert seen != "old", "the update stamps the row, as the SQLite trigger does"
        assert conn.exec_driver_sql("SELECT name FROM idle").scalars().all() == ["bob"]
        conn.exec_driver_sql("INSERT INTO workers (id, name) VALUES (10, 'cy')")
    with pytest.raises(sa.exc.IntegrityError), pg.begin() as conn:
        conn.exec_driver_sql("INSERT INTO workers (name) VALUES ('ann')")


def test_the_expected_schema_is_read_from_the_script() -> None:
    schema = expected_schema(sqlite_to_postgres(SEED_STYLE))
    assert schema.tables["workers"][:3] == ["id", "name", "user"]
    assert schema.tables["audit"] == ["id", "worker_id", "what", "at"]
    assert schema.indexes == {"idx_workers_free"}


@pytest.mark.parametrize(
    "statement",
    [
        "CREATE TABLE t (a TEXT DEFAULT (julianday('now')))",
        "INSERT OR REPLACE INTO t VALUES (1)",
        "ATTACH DATABASE 'x.db' AS x",
        "CREATE TABLE t (a TEXT DEFAULT (strftime('%W', 'now')))",
    ],
)
def test_what_cannot_be_translated_is_refused_by_name(statement: str) -> None:
    with pytest.raises(UntranslatableError) as caught:
        sqlite_to_postgres(statement)
    assert statement[:20] in str(caught.value) or "strftime" in str(caught.value)


@pytest.mark.parametrize("kind", KINDS, ids=[kind.name for kind in KINDS])
def test_every_kinds_schema_runs_on_postgresql(kind: object, pg: sa.Engine) -> None:
    ddl = kind.ddl("postgresql")  # type: ignore[attr-defined]
    _run(pg, ddl)
    with pg.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
    assert set(expected_schema(ddl).tables) == tables

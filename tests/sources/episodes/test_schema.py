"""The episodes schema: seed 004's in valid SQLite (its inline indexes, which SQLite
rejects, as CREATE INDEX), with the 1.1.0 column and the FTS table kept in step; `init
--source episodes`; and older stores (no embeddings, no FTS, no embedding_version) open."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from ringmaster_tui.cli import main
from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.domain.views import SectionedDetail
from ringmaster_tui.sources.episodes.schema import schema_sql
from ringmaster_tui.sources.registry import check_database, open_source
from tests.builders import NOW
from tests.sources.episodes.builders import EpisodeBuilder, ago

SEED_EPISODES = """
CREATE TABLE episodes (
    id TEXT PRIMARY KEY,
    task_type TEXT NOT NULL,
    domain TEXT NOT NULL,
    INDEX idx_episodes_domain (domain)
);
"""

# Seed 004's version 1.0.0: no embeddings table, no embedding_version column, no FTS.
SCHEMA_1_0_0 = """
CREATE TABLE episodes (
    id TEXT PRIMARY KEY, task_type TEXT NOT NULL, domain TEXT NOT NULL, context TEXT,
    status TEXT NOT NULL DEFAULT 'active', success_rate REAL,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP, completed_at DATETIME, metadata TEXT
);
CREATE TABLE steps (
    id TEXT PRIMARY KEY, episode_id TEXT NOT NULL, step_number INTEGER NOT NULL,
    action TEXT NOT NULL, result TEXT, duration_ms INTEGER, success BOOLEAN,
    timestamp DATETIME DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE patterns (
    id TEXT PRIMARY KEY, pattern_type TEXT NOT NULL, pattern_data TEXT NOT NULL,
    success_rate REAL NOT NULL, usage_count INTEGER DEFAULT 0, last_used DATETIME,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP, metadata TEXT
);
"""


def objects(db: Path, kind: str) -> set[str]:
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = ?", (kind,))
        return {name for (name,) in rows}


def test_the_seeds_inline_indexes_are_not_sqlite_which_is_why_the_ddl_differs() -> None:
    with closing(sqlite3.connect(":memory:")) as conn, pytest.raises(sqlite3.OperationalError):
        conn.executescript(SEED_EPISODES)


def test_init_makes_the_seeds_tables_indexes_column_and_fts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "memory.db"
    assert main(["init", str(db), "--source", "episodes"]) == 0
    assert "with the memory store schema" in capsys.readouterr().out
    assert {"episodes", "steps", "patterns", "embeddings", "episodes_fts"} <= objects(db, "table")
    seed_indexes = {
        "idx_episodes_domain",
        "idx_episodes_status",
        "idx_episodes_created",
        "idx_steps_episode",
        "idx_steps_timestamp",
        "idx_patterns_type",
        "idx_patterns_success",
        "idx_patterns_usage",
        "idx_embeddings_episode",
    }
    assert seed_indexes <= objects(db, "index")
    with closing(sqlite3.connect(db)) as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(episodes)")}
        assert "embedding_version" in columns
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert check_database(db).healthy
    source = open_source(db, user="ann")
    try:
        assert source.kind == "episodes"
    finally:
        source.close()


def test_the_fts_table_follows_the_episodes(tmp_path: Path) -> None:
    db = tmp_path / "memory.db"
    b = EpisodeBuilder(db)
    b.episode("e1", "auth", "Rotate the refresh tokens")
    b.conn.execute("UPDATE episodes SET context = 'Rotate the signing keys' WHERE id = 'e1'")
    found = b.conn.execute(
        "SELECT rowid FROM episodes_fts WHERE episodes_fts MATCH 'signing'"
    ).fetchall()
    gone = b.conn.execute("SELECT rowid FROM episodes_fts WHERE episodes_fts MATCH 'refresh'")
    assert len(found) == 1 and gone.fetchall() == []
    b.conn.execute("DELETE FROM episodes")
    assert b.conn.execute("SELECT count(*) FROM episodes_fts WHERE episodes_fts MATCH 'signing'")
    b.close()


def test_a_store_from_before_1_1_0_opens_and_says_what_it_lacks(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    b = EpisodeBuilder(db, ddl=SCHEMA_1_0_0)
    b.episode("e1", "auth", "Old but gold", created_at=ago(minutes=5))
    b.steps("e1", "+-")
    b.close()
    source = open_source(db, user="ann")
    try:
        assert source.kind == "episodes"
        snapshot = source.snapshot(BoardQuery(lists=frozenset({"loops", "problems"})), NOW)
        assert snapshot.unavailable == ("embeddings", "episodes_fts", "episodes.embedding_version")
        assert [c.id for c in snapshot.lanes[0].cards] == ["e1"]
        assert snapshot.tables["problems"].total == 1
        detail = source.card_detail("e1", NOW)
        assert isinstance(detail, SectionedDetail)
        embeddings = next(s for s in detail.sections if s.title.startswith("Embeddings"))
        assert "no embeddings table" in embeddings.empty and not embeddings.rows
    finally:
        source.close()
    report = check_database(db)
    assert "table embeddings" in report.missing and not report.healthy


def test_the_ddl_is_one_script_sqlite_runs(tmp_path: Path) -> None:
    with closing(sqlite3.connect(tmp_path / "x.db")) as conn:
        conn.executescript(schema_sql())
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

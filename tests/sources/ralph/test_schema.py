"""Seed 002's schema lives with the source: every table and index, the initial data's
shape without its example password; and a Ralph database is told from a Ringmaster one
whichever kind is tried first."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from itertools import permutations
from pathlib import Path

import pytest

from ringmaster_tui.sources import registry
from ringmaster_tui.sources.ralph.kind import RALPH
from ringmaster_tui.sources.ralph.schema import SEED_INDEXES, SEED_TABLES, schema_sql
from ringmaster_tui.sources.registry import KINDS, create_source_database, open_source
from ringmaster_tui.sources.ringmaster.kind import RINGMASTER


def _master(path: Path, kind: str) -> set[str]:
    with closing(sqlite3.connect(path)) as conn:
        return {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = ?", (kind,))
        }


def test_init_makes_every_seed_table_and_index(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    create_source_database(path, RALPH)
    assert set(SEED_TABLES) <= _master(path, "table")
    assert set(SEED_INDEXES) <= _master(path, "index")
    with closing(sqlite3.connect(path)) as conn:
        users = conn.execute("SELECT username, password_hash FROM users").fetchall()
        columns = [r[1] for r in conn.execute("PRAGMA table_info(stories)")]
    # The seed's admin, with a hash no password matches (the example password left out).
    assert users == [("Admin", "!")]
    assert "$2b$" not in schema_sql() and "123Test" not in schema_sql()
    assert columns == [
        "id", "feature_id", "story_id", "repo", "title", "description", "acceptance_criteria",
        "priority", "status", "dependencies", "assigned_agent", "attempt_count", "created_at",
        "updated_at", "started_at", "completed_at",
    ]  # fmt: skip


def test_each_schema_is_recognised_as_its_own_kind_in_any_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert {RALPH, RINGMASTER} <= set(KINDS)
    made = {}
    for kind in (RALPH, RINGMASTER):
        path = tmp_path / f"{kind.name}.db"
        create_source_database(path, kind)
        made[kind.name] = _master(path, "table")
    assert "projects" in made["ralph"] and "projects" in made["ringmaster"]
    for order in permutations(KINDS):
        monkeypatch.setattr(registry, "KINDS", order)
        for name, tables in made.items():
            found = registry.detect(tables)
            assert found is not None and found.name == name, (order, name)


def test_open_detects_ralph(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    create_source_database(path, RALPH)
    source = open_source(path, user="ann")
    try:
        assert source.kind == "ralph"
        assert source.health().healthy
    finally:
        source.close()

"""schema.sql and the SQLAlchemy models describe the same database."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from ringmaster_tui.sources.ringmaster.models import METADATA
from ringmaster_tui.sources.ringmaster.schema import schema_sql

SEED_TABLES = {
    "projects",
    "cards",
    "acceptance_criteria",
    "card_dependencies",
    "attempts",
    "errors",
    "loop_snapshots",
    "deployments",
    "state_transitions",
    "prompt_metrics",
    "websocket_subscriptions",
}
# The board filter's trigram index and the tables FTS5 keeps it in.
TEXT_INDEX_TABLES = {
    f"cards_fts{suffix}" for suffix in ("", "_data", "_idx", "_docsize", "_config")
}
DECISION_COLUMNS = [
    "id",
    "decision_type",
    "summary",
    "options",
    "default_option",
    "context",
    "timeout_minutes",
    "status",
    "requested_at",
    "requested_by",
    "decided_at",
    "decided_by",
    "choice",
    "comment",
    "card_id",
]
ALERT_COLUMNS = [
    "id",
    "severity",
    "alert_type",
    "source",
    "message",
    "context",
    "acknowledged",
    "acknowledged_by",
    "acknowledged_at",
    "created_at",
    "card_id",
]


def _from_schema_sql(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(schema_sql())
    conn.close()
    return path


def _from_models(path: Path) -> Path:
    engine = sa.create_engine(f"sqlite:///{path}")
    METADATA.create_all(engine)
    engine.dispose()
    return path


def _normalise(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).replace("( ", "(").replace(" )", ")").strip()


def describe(path: Path) -> dict[str, Any]:
    """Everything that defines the schema, read back from the file itself."""
    conn = sqlite3.connect(path)
    inspector = sa.inspect(sa.create_engine(f"sqlite:///{path}"))
    tables: dict[str, Any] = {}
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    for table in names:
        indexes = {}
        for _, name, unique, origin, partial in conn.execute(f"PRAGMA index_list({table})"):
            columns = [
                (r[2], r[3])  # column name, descending
                for r in conn.execute(f"PRAGMA index_xinfo({name})")
                if r[5]  # key columns only
            ]
            # Auto-indexes are named by position; key them by what they index.
            key = name if origin == "c" else f"{origin}:{columns}"
            indexes[key] = (unique, origin, partial, columns)
        tables[table] = {
            "columns": [tuple(r[1:]) for r in conn.execute(f"PRAGMA table_info({table})")],
            "foreign_keys": sorted(
                tuple(r[2:7]) for r in conn.execute(f"PRAGMA foreign_key_list({table})")
            ),
            "indexes": indexes,
            "checks": sorted(
                _normalise(c["sqltext"]) for c in inspector.get_check_constraints(table)
            ),
        }
    triggers = {
        name: _normalise(sql)
        for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger'")
    }
    conn.close()
    return {"tables": tables, "triggers": triggers}


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    base = tmp_path_factory.mktemp("schema")
    return describe(_from_schema_sql(base / "sql.db")), describe(_from_models(base / "orm.db"))


def test_same_tables(both: tuple[dict[str, Any], dict[str, Any]]) -> None:
    from_sql, from_models = both
    assert set(from_sql["tables"]) == set(from_models["tables"])
    assert set(from_sql["tables"]) == SEED_TABLES | {"decisions", "alerts"} | TEXT_INDEX_TABLES


@pytest.mark.parametrize("aspect", ["columns", "foreign_keys", "indexes", "checks"])
def test_every_table_agrees(both: tuple[dict[str, Any], dict[str, Any]], aspect: str) -> None:
    from_sql, from_models = both
    for table, described in from_sql["tables"].items():
        assert described[aspect] == from_models["tables"][table][aspect], table


def test_triggers_agree(both: tuple[dict[str, Any], dict[str, Any]]) -> None:
    from_sql, from_models = both
    assert set(from_sql["triggers"]) == {
        "cards_updated_at",
        "cards_fts_insert",
        "cards_fts_delete",
        "cards_fts_update",
    }
    strip = str.maketrans("", "", " ;")
    for name, sql in from_sql["triggers"].items():
        assert sql.translate(strip) == from_models["triggers"][name].translate(strip), name


def test_text_index_follows_card_writes(tmp_path: Path) -> None:
    conn = sqlite3.connect(_from_models(tmp_path / "x.db"))
    conn.execute("INSERT INTO projects (id, name, repository_url) VALUES ('p', 'p', 'u')")
    conn.execute(
        "INSERT INTO cards (id, project_id, title, description, task_prompt) "
        "VALUES ('c', 'p', 'Fix the login page', 'slow', '')"
    )
    conn.execute("UPDATE cards SET title = 'Speed up billing' WHERE id = 'c'")

    def found(text: str) -> int:
        row = conn.execute("SELECT count(*) FROM cards_fts WHERE cards_fts MATCH ?", (text,))
        return int(row.fetchone()[0])

    assert (found('"login"'), found('"billing"')) == (0, 1)
    conn.execute("DELETE FROM cards")
    assert found('"billing"') == 0
    conn.execute("INSERT INTO cards_fts (cards_fts) VALUES ('integrity-check')")


def test_coordination_tables_have_every_seed_column_and_a_card(
    both: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    from_sql, _ = both
    for table, expected in (("decisions", DECISION_COLUMNS), ("alerts", ALERT_COLUMNS)):
        described = from_sql["tables"][table]
        assert [c[0] for c in described["columns"]] == expected
        card_id = next(c for c in described["columns"] if c[0] == "card_id")
        assert card_id[2] == 0, "card_id is nullable"
        assert ("cards", "card_id", "id", "NO ACTION", "SET NULL") in described["foreign_keys"]


def test_checks_list_every_state(both: tuple[dict[str, Any], dict[str, Any]]) -> None:
    from ringmaster_tui.sources.ringmaster.workflow import STATES

    from_sql, _ = both
    (state_check,) = from_sql["tables"]["cards"]["checks"]
    assert re.findall(r"'(\w+)'", state_check) == list(STATES)


def test_schema_sets_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = _from_schema_sql(tmp_path / "x.db")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert "PRAGMA foreign_keys = ON" in schema_sql()

"""Looking after a SQLite database file: an online backup and a health check.

A backup with SQLite's online backup API, in steps, so writers keep writing; a check
(integrity, foreign keys, the -wal's size, rows per table, and what differs from the
schema the source expects), read-only.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Protocol

from ringmaster_tui.engines.base import BackupResult, HealthReport, backup_partial_path

BACKUP_PAGES_PER_STEP = 256


class SqliteConnectable(Protocol):
    """The SQLite engine, as these functions need it (it imports this module)."""

    @property
    def path(self) -> Path: ...

    def read_connection(self) -> sqlite3.Connection: ...


# --- backup ---


def backup(database: SqliteConnectable, destination: Path, *, force: bool = False) -> BackupResult:
    """A consistent copy of the database, taken in steps so writers are never held up long."""
    partial = backup_partial_path(destination, force=force)
    source = database.read_connection()
    target = sqlite3.connect(partial)
    try:
        source.backup(target, pages=BACKUP_PAGES_PER_STEP)
        pages = int(target.execute("PRAGMA page_count").fetchone()[0])
        integrity = str(target.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        target.close()
        source.close()
    # Only a finished, checked copy takes the destination's name.
    partial.replace(destination)
    return BackupResult(destination=destination, pages=pages, integrity=integrity)


# --- check ---


def _schema_of(conn: sqlite3.Connection) -> dict[str, set[str]]:
    """Tables with their columns, and indexes, as 'table', 'table.column', 'index NAME'."""
    found: dict[str, set[str]] = {"tables": set(), "columns": set(), "indexes": set()}
    for (table,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ):
        found["tables"].add(table)
        for row in conn.execute(f'PRAGMA table_info("{table}")'):
            found["columns"].add(f"{table}.{row[1]}")
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ):
        found["indexes"].add(name)
    return found


def _expected_schema(ddl: str) -> dict[str, set[str]]:
    reference = sqlite3.connect(":memory:")
    reference.executescript(ddl)
    try:
        return _schema_of(reference)
    finally:
        reference.close()


def _difference(have: dict[str, set[str]], lack: dict[str, set[str]]) -> list[str]:
    """What `have` holds that `lack` does not; a whole absent table is one line, not many."""
    found = [f"table {t}" for t in sorted(have["tables"] - lack["tables"])]
    found += [
        f"column {c}"
        for c in sorted(have["columns"] - lack["columns"])
        if c.split(".")[0] in lack["tables"]
    ]
    found += [f"index {i}" for i in sorted(have["indexes"] - lack["indexes"])]
    return found


def check(database: SqliteConnectable, expected_ddl: str) -> HealthReport:
    """The file's health, and what differs from the schema `expected_ddl` makes."""
    conn = database.read_connection()
    try:
        integrity = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
        problems = [
            f"{table} row {rowid} points to a missing {parent} row"
            for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")
        ]
        actual = _schema_of(conn)
        counts = {
            table: int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
            for table in sorted(actual["tables"])
        }
    finally:
        conn.close()
    expected = _expected_schema(expected_ddl)
    missing = _difference(expected, actual)
    extra = _difference(actual, expected)
    wal = database.path.with_name(database.path.name + "-wal")
    return HealthReport(
        integrity=integrity,
        foreign_key_problems=problems,
        wal_bytes=wal.stat().st_size if wal.exists() else 0,
        row_counts=counts,
        missing=missing,
        extra=extra,
    )

"""Test data on PostgreSQL: a SQLite database's rows copied into a PostgreSQL one made
with the same kind's schema (so every kind's demo serves on both engines), and a digest
of a database's contents (to show that the dashboard wrote nothing)."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Collection
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ringmaster_tui.engines.postgres.connect import parse_url


def pg_engine(url: str) -> sa.Engine:
    return sa.create_engine(parse_url(url), poolclass=sa.pool.NullPool)


def vacuum_until_all_visible(
    url: str, tables: Collection[str] | None = None, *, attempts: int = 100
) -> None:
    """VACUUM ANALYZE until every page of `tables` (every table by default) is marked
    all-visible, so index-only scans skip the tables as on a server in service.

    VACUUM marks a page only once no transaction could still miss its rows, and (the test
    server commits asynchronously) once the commit that wrote them is flushed: a first
    pass right after a bulk load marks none. Autovacuum's later rounds do it on a server
    running for a while. Fails naming the transactions that held it back."""
    engine = pg_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
            for _ in range(attempts):
                hidden = conn.exec_driver_sql(
                    "SELECT count(*) FROM pg_class WHERE relkind = 'r' "
                    "AND relnamespace = current_schema()::regnamespace "
                    "AND (%(t)s::text[] IS NULL OR relname = ANY(%(t)s)) "
                    "AND relallvisible < relpages",
                    {"t": None if tables is None else list(tables)},
                ).scalar_one()
                if not hidden:
                    return
                time.sleep(0.05)
                conn.exec_driver_sql("VACUUM ANALYZE")
            holders = conn.exec_driver_sql(
                "SELECT datname, state, backend_xmin, left(query, 80) FROM pg_stat_activity"
                " WHERE backend_xmin IS NOT NULL AND pid <> pg_backend_pid()"
            ).all()
            named = "every table" if tables is None else sorted(tables)
            raise AssertionError(f"{named} never all-visible; held by {holders}")
    finally:
        engine.dispose()


def copy_sqlite_into(sqlite_path: Path, url: str) -> dict[str, int]:
    """Every row of the SQLite file into the PostgreSQL database (its tables already made),
    as the superuser with triggers and foreign keys held off meanwhile; identity counters
    moved past the copied ids. Rows the schema's own initial data put in a table the file
    has are replaced by the file's (the demo was made by the same script). Rows copied per
    table."""
    source = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    engine = pg_engine(url)
    copied: dict[str, int] = {}
    try:
        metadata = sa.MetaData()
        metadata.reflect(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            for table in metadata.sorted_tables:
                copied[table.name] = _copy_table(source, conn, table)
            for table in metadata.sorted_tables:
                for column in table.columns:
                    if column.identity is not None:
                        conn.exec_driver_sql(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', "
                            f"'{column.name}'), coalesce(max({column.name}), 0) + 1, false) "
                            f"FROM {table.name}"
                        )
    finally:
        source.close()
        engine.dispose()
    return copied


def _copy_table(source: sqlite3.Connection, conn: sa.Connection, table: sa.Table) -> int:
    """The table's rows through COPY (bulk, a few hundred thousand rows a second)."""
    have = {row[1] for row in source.execute(f'PRAGMA table_info("{table.name}")')}
    if not have:
        return 0
    names = [column.name for column in table.columns if column.name in have]
    quoted = ", ".join(f'"{name}"' for name in names)
    conn.exec_driver_sql(f'DELETE FROM "{table.name}"')
    rows = source.execute(f'SELECT {quoted} FROM "{table.name}"')
    raw: Any = conn.connection.dbapi_connection
    count = 0
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def database_digest(url: str) -> str:
    """A digest of every row of every table, in a fixed order."""
    engine = pg_engine(url)
    digest = hashlib.sha256()
    try:
        with engine.connect() as conn:
            tables = sorted(
                row[0]
                for row in conn.exec_driver_sql(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                )
            )
            for table in tables:
                rows = conn.exec_driver_sql(f'SELECT * FROM "{table}"').all()
                digest.update(table.encode())
                for text in sorted(repr(tuple(row)) for row in rows):
                    digest.update(text.encode())
    finally:
        engine.dispose()
    return digest.hexdigest()

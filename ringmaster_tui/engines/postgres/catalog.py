"""PostgreSQL's side of `engines.present`: which tables and columns the database has.

Read from pg_attribute for the current schema, and kept for a few seconds per database
(PostgreSQL has no cheap schema version to compare): a refresh then costs nothing, and a
table or column added meanwhile is seen within CACHE_SECONDS.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy.engine import Connection

from ringmaster_tui.engines.present import PresentSchema

CACHE_SECONDS = 5.0

_COLUMNS_SQL = (
    "SELECT c.relname, a.attname FROM pg_class AS c "
    "JOIN pg_attribute AS a ON a.attrelid = c.oid "
    "WHERE c.relnamespace = current_schema()::regnamespace "
    "AND c.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped"
)

_cache: dict[str, tuple[float, PresentSchema]] = {}
_cache_lock = threading.Lock()


def postgres_present_schema(conn: Connection) -> PresentSchema:
    url = conn.engine.url
    key = f"{url.host}:{url.port}/{url.database}@{url.username}"
    now = time.monotonic()
    with _cache_lock:
        found = _cache.get(key)
    if found is not None and now - found[0] < CACHE_SECONDS:
        return found[1]
    columns: dict[str, set[str]] = {}
    for table, column in conn.exec_driver_sql(_COLUMNS_SQL):
        columns.setdefault(table, set()).add(column)
    schema = PresentSchema({table: frozenset(names) for table, names in columns.items()})
    with _cache_lock:
        _cache[key] = (now, schema)
    return schema


def forget(conn_key: str | None = None) -> None:
    """Drop the cached schemas (all, or one database's): after DDL of our own."""
    with _cache_lock:
        if conn_key is None:
            _cache.clear()
        else:
            _cache.pop(conn_key, None)

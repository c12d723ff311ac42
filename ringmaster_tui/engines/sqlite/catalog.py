"""SQLite's side of `engines.present`: which tables and columns a database file has.

Looking the schema up costs a scan of sqlite_master and one PRAGMA per table, so it is
done once per database file and schema version (the file's identity tells a replaced
file from the one seen before; SQLite bumps `schema_version` on every schema change).
Each refresh pays for one PRAGMA and one stat().
"""

from __future__ import annotations

import os
import threading

from sqlalchemy.engine import Connection

from ringmaster_tui.engines.present import PresentSchema

_cache: dict[tuple[int, int, int], PresentSchema] = {}
_cache_lock = threading.Lock()


def sqlite_present_schema(conn: Connection) -> PresentSchema:
    """The schema `conn`'s main database has, read once per file and schema version."""
    version = int(conn.exec_driver_sql("PRAGMA schema_version").scalar_one())
    key = _file_key(conn, version)
    with _cache_lock:
        found = _cache.get(key) if key else None
    if found is not None:
        return found
    rows = conn.exec_driver_sql(
        "SELECT m.name, p.name FROM sqlite_master AS m, pragma_table_info(m.name) AS p "
        "WHERE m.type = 'table'"
    )
    columns: dict[str, set[str]] = {}
    for table, column in rows:
        columns.setdefault(table, set()).add(column)
    schema = PresentSchema({table: frozenset(names) for table, names in columns.items()})
    if key:
        with _cache_lock:
            _cache[key] = schema
    return schema


def _file_key(conn: Connection, version: int) -> tuple[int, int, int] | None:
    """The database file's device and inode with the schema version; None without a file."""
    for _, name, path in conn.exec_driver_sql("PRAGMA database_list"):
        if name == "main" and path:
            try:
                stat = os.stat(path)
            except OSError:
                return None
            return stat.st_dev, stat.st_ino, version
    return None

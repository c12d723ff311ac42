"""Which tables and columns a database really has, and queries that cope with the rest.

Other tools and older versions leave databases with fewer tables or columns than
schema.sql. The loader reads what is there: a missing table is skipped and reported, a
missing column reads as NULL (shown as unknown) and is reported too.

Looking the schema up costs a scan of sqlite_master and one PRAGMA per table, so it is
done once per database file and schema version (the file's identity tells a replaced
file from the one seen before; SQLite bumps `schema_version` on every schema change).
Each refresh pays for one PRAGMA and one stat().
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.visitors import replacement_traverse

Statement = TypeVar("Statement", bound=sa.Executable)


@dataclass(frozen=True)
class PresentSchema:
    """The tables of a database and each one's columns."""

    columns: Mapping[str, frozenset[str]]
    _missing: dict[tuple[str, ...], frozenset[tuple[str, str]]] = field(
        default_factory=dict, compare=False
    )

    @property
    def tables(self) -> frozenset[str]:
        return frozenset(self.columns)

    def missing_columns(self, tables: Iterable[sa.Table]) -> frozenset[tuple[str, str]]:
        """(table, column) of each column of `tables` this database lacks (present tables)."""
        chosen = tuple(tables)
        key = tuple(table.name for table in chosen)
        if key not in self._missing:
            self._missing[key] = frozenset(
                (table.name, column.name)
                for table in chosen
                if table.name in self.columns
                for column in table.columns
                if column.name not in self.columns[table.name]
            )
        return self._missing[key]


_cache: dict[tuple[int, int, int], PresentSchema] = {}
_cache_lock = threading.Lock()


def present_schema(conn: Connection) -> PresentSchema:
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


def null_missing(statement: Statement, missing: frozenset[tuple[str, str]]) -> Statement:
    """`statement` with every column in `missing` read as NULL under its own name."""
    if not missing:
        return statement

    def replace(element: Any, **_kw: Any) -> Any:
        if (
            isinstance(element, sa.Column)
            and isinstance(element.table, sa.Table)
            and (element.table.name, element.name) in missing
        ):
            return sa.null().label(element.name)
        return None

    return cast(Statement, replacement_traverse(cast(Any, statement), {}, replace))

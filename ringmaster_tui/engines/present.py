"""Which tables and columns a database really has, and queries that cope with the rest.

Other tools and older versions leave databases with fewer tables or columns than a
source's schema. A source reads what is there: a missing table is skipped and reported,
a missing column reads as NULL (shown as unknown) and is reported too. Each engine looks
the schema up its own way, once per database and schema version (see its catalog.py).
"""

from __future__ import annotations

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


def present_schema(conn: Connection) -> PresentSchema:
    """The tables and columns `conn`'s database has, looked up by its engine (cached there:
    once per database and schema version)."""
    # Imported here: each engine's look-up is its own; this module stays engine-neutral.
    if conn.dialect.name == "sqlite":
        from ringmaster_tui.engines.sqlite.catalog import sqlite_present_schema

        return sqlite_present_schema(conn)
    if conn.dialect.name == "postgresql":
        from ringmaster_tui.engines.postgres.catalog import postgres_present_schema

        return postgres_present_schema(conn)
    raise NotImplementedError(f"no schema look-up for {conn.dialect.name}")


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

"""What every reader shares: the transaction, the tables this database really has, long
texts cut in SQL, and text patterns blind to case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeAlias

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.engines.present import PresentSchema, null_missing, present_schema
from ringmaster_tui.engines.text import contains_folded
from ringmaster_tui.sources.coordination.tables import TABLES

AnyRow: TypeAlias = Row[*tuple[Any, ...]]

# Long texts are cut in SQL: a 100,000-character note never leaves the database whole.
TITLE_CHARS = 160
CELL_CHARS = 400
DETAIL_CHARS = 200_000
# Counts of filtered lists stop here; the header then says "10,000+".
COUNT_CAP = 10_000
# Between the columns a filter reads as one text: no typed filter holds it.
COLUMN_SEPARATOR = "\x1f"


def cut_text(column: sa.ColumnElement[Any], chars: int) -> sa.ColumnElement[Any]:
    """The first `chars` characters of a text column (substr is SQL's and PostgreSQL's)."""
    return sa.func.substr(column, 1, chars)


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matches(
    pattern: sa.BindParameter[str], *columns: sa.ColumnElement[Any]
) -> sa.ColumnElement[bool]:
    """Any of `columns` holds the pattern's text, letters in any case (beyond ASCII too,
    the same on every engine). The columns are joined by a control character no typed
    text holds and folded once: on SQLite each fold is a call into Python, one per row
    costs a quarter of one per column."""
    joined: sa.ColumnElement[Any] = sa.func.coalesce(columns[0], "")
    for column in columns[1:]:
        joined = joined.op("||")(sa.literal(COLUMN_SEPARATOR)).op("||")(
            sa.func.coalesce(column, "")
        )
    return contains_folded(pattern, joined)


@dataclass
class Reading:
    """One read transaction and what the database has."""

    conn: Connection
    query: BoardQuery
    now: datetime
    local: bool
    """The database is a file on this machine: a loop's pid can be looked up."""
    present: PresentSchema | None = None

    def __post_init__(self) -> None:
        if self.present is None:
            self.present = present_schema(self.conn)
        self._missing = self.present.missing_columns(TABLES.values())

    def has(self, table: str) -> bool:
        assert self.present is not None
        return table in self.present.tables

    def execute(
        self, statement: sa.Executable, params: dict[str, Any] | None = None
    ) -> sa.CursorResult[Any]:
        """A statement of ours, with the columns this database lacks read as NULL."""
        return self.conn.execute(null_missing(statement, self._missing), params or {})

    def unavailable(self) -> tuple[str, ...]:
        """The tables and columns this database lacks, as Snapshot.unavailable says them."""
        assert self.present is not None
        tables = tuple(name for name in TABLES if name not in self.present.tables)
        columns = tuple(sorted(f"{t}.{c}" for t, c in self._missing))
        return tables + columns

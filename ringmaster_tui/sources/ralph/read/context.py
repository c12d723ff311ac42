"""One read transaction's view of a Ralph database: which tables and columns it has.

Every reader takes a Reading: it runs statements with the columns this database lacks
read as NULL, and says which tables are missing so that their views say so.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Result

from ringmaster_tui.engines.present import PresentSchema, null_missing, present_schema
from ringmaster_tui.engines.text import contains_folded
from ringmaster_tui.sources.ralph.models import metadata

# Longest text a table cell or a card carries; the detail reads more.
CELL_CHARS = 300


class Reading:
    def __init__(self, conn: Connection, now: datetime) -> None:
        self.conn = conn
        self.now = now
        self.schema: PresentSchema = present_schema(conn)
        self.missing = self.schema.missing_columns(metadata.tables.values())

    def has(self, table: sa.Table) -> bool:
        return table.name in self.schema.tables

    def run(self, statement: sa.Executable) -> Result[Any]:
        return self.conn.execute(null_missing(statement, self.missing))

    def rows(self, statement: sa.Executable) -> list[Any]:
        return list(self.run(statement))

    def scalar(self, statement: sa.Executable) -> int:
        value = self.run(statement).scalar()
        return int(value or 0)

    def unavailable(self) -> tuple[str, ...]:
        """Tables and columns of Ralph's schema this database lacks ("git_commits")."""
        tables = sorted(t for t in metadata.tables if t not in self.schema.tables)
        columns = sorted(f"{table}.{column}" for table, column in self.missing)
        return (*tables, *columns)


def cut(text: object, limit: int = CELL_CHARS) -> str | None:
    """Database text for a cell: at most `limit` characters (the detail shows it whole)."""
    if text is None:
        return None
    value = text if isinstance(text, str) else str(text)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def contains(text: str, *columns: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    """One of `columns` holds `text`, letters in any case beyond ASCII, the same on every
    engine (SQLite's LIKE folds ASCII only, PostgreSQL's LIKE folds nothing)."""
    return contains_folded(sa.literal(like_pattern(text), sa.String), *columns)


def like_pattern(text: str) -> str:
    """`text` as a LIKE pattern matching it anywhere, its wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"

"""What every reader of the episodic memory store shares: the connection of the one read
transaction, the clock, which tables and columns this database has, and the filters.

A database made before migration 1.1.0 has no `embedding_version` column, one made
without it no `embeddings` table, and the FTS table is optional too: a missing column
reads as NULL and a missing optional table leaves its part empty, said in `unavailable`.

The filters are a plain substring match, letters in any case (engines/text.py folds them
the same way on every engine), and read no FTS table: PostgreSQL has none (`init` leaves
SQLite's FTS5 tables out), and SQLite's tokenised FTS5 index would not find a part of a
word as the filter does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.engines import SQLITE
from ringmaster_tui.engines.present import PresentSchema, null_missing, present_schema
from ringmaster_tui.engines.text import contains_folded
from ringmaster_tui.sources.episodes.schema import embeddings, episodes, patterns, steps

TABLES: tuple[sa.Table, ...] = (episodes, steps, patterns, embeddings)
# How much of an episode's context a card or a row reads (the detail reads it whole).
CONTEXT_CHARS = 300


@dataclass
class ReadContext:
    conn: Connection
    now: datetime
    schema: PresentSchema = field(init=False)
    missing: frozenset[tuple[str, str]] = field(init=False)

    def __post_init__(self) -> None:
        self.schema = present_schema(self.conn)
        self.missing = self.schema.missing_columns(TABLES)

    def has(self, table: str) -> bool:
        return table in self.schema.tables

    def rows(self, statement: sa.Select[Any]) -> list[Any]:
        """`statement`'s rows, with the columns this database lacks read as NULL."""
        return list(self.conn.execute(null_missing(statement, self.missing)).all())

    def scalar(self, statement: sa.Select[Any]) -> Any:
        return self.conn.execute(null_missing(statement, self.missing)).scalar()

    def unavailable(self) -> tuple[str, ...]:
        """The optional tables and the columns this database lacks, as Snapshot says them."""
        # The FTS table is SQLite's only: on PostgreSQL its absence is the schema's.
        optional = (
            ("embeddings", "episodes_fts") if self.conn.dialect.name == SQLITE else ("embeddings",)
        )
        tables = [name for name in optional if not self.has(name)]
        columns = sorted(f"{table}.{column}" for table, column in self.missing)
        return (*tables, *columns)


def seconds_of_ms(value: object) -> float | None:
    """A duration_ms column as seconds; None for NULL or what is no number (text, junk)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value / 1000


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matches(columns: Iterable[sa.ColumnElement[Any]], text: str) -> sa.ColumnElement[bool]:
    """Any of `columns` holds `text`, letters in any case, the same on every engine."""
    return contains_folded(sa.literal(like_pattern(text.strip())), *columns)


def episode_text(text: str) -> sa.ColumnElement[bool]:
    """The board's and the lists' filter on an episode: its context, task type, domain, id."""
    return matches(
        (episodes.c.context, episodes.c.task_type, episodes.c.domain, episodes.c.id), text
    )


def newest_first(column: sa.ColumnElement[Any]) -> sa.UnaryExpression[Any]:
    """A time column newest first, the rows without one (NULL) ahead of all: said, since
    PostgreSQL's default puts NULLs first in a descending order and SQLite's last. First,
    because that is the order a PostgreSQL index read backwards gives (SQLite's index
    serves either), and a row without a time stays in sight."""
    return column.desc().nulls_first()


def title_of(context: str | None, task_type: str | None) -> str:
    """An episode's title: the first line of its context, else its task type."""
    for line in (context or "").splitlines():
        if line.strip():
            return line.strip()
    return f"{task_type or 'episode'} episode"

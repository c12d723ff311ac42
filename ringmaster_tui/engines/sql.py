"""SQL expressions every engine can run, each rendered in its dialect's own words.

A source's queries are SQLAlchemy Core; where SQLite and PostgreSQL spell a thing
differently (the text of "now", a JSON array parameter as rows, a row's physical order,
a number-or-NULL test, a JSON field), the source uses these and each engine's compiler
writes its own form. Nothing here knows an orchestrator.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement, GenericFunction

__all__ = [
    "ascending",
    "byte_order",
    "descending",
    "has_index",
    "index_counts_read_the_table",
    "json_field_text",
    "json_text_array",
    "now_stamp",
    "now_text",
    "number_or_null",
    "row_order",
    "timestamp_day",
    "total",
]

_PG_NOW_TEXT = "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"


class now_text(GenericFunction[str]):
    """The current UTC time as SQLite's datetime('now') writes it: 'YYYY-MM-DD HH:MM:SS'."""

    type = sa.String()
    inherit_cache = True


@compiles(now_text)
def _now_text_sqlite(element: now_text, compiler: SQLCompiler, **kw: Any) -> str:
    return "datetime('now')"


@compiles(now_text, "postgresql")
def _now_text_pg(element: now_text, compiler: SQLCompiler, **kw: Any) -> str:
    return _PG_NOW_TEXT


class json_text_array(GenericFunction[str]):
    """The elements of a JSON array of strings (one text parameter) as rows of a column
    called `value`: use `json_text_array(param).table_valued("value")`."""

    type = sa.String()
    inherit_cache = True


@compiles(json_text_array)
def _json_array_sqlite(element: json_text_array, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_each({compiler.process(element.clauses, **kw)})"


@compiles(json_text_array, "postgresql")
def _json_array_pg(element: json_text_array, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_array_elements_text(CAST({compiler.process(element.clauses, **kw)} AS json))"


class total(GenericFunction[float]):
    """SQLite's total(): the sum as a float, 0.0 over no rows or only NULLs."""

    type = sa.Float()
    inherit_cache = True


@compiles(total)
def _total_sqlite(element: total, compiler: SQLCompiler, **kw: Any) -> str:
    return f"total({compiler.process(element.clauses, **kw)})"


@compiles(total, "postgresql")
def _total_pg(element: total, compiler: SQLCompiler, **kw: Any) -> str:
    inner = compiler.process(element.clauses, **kw)
    return f"coalesce(sum(CAST({inner} AS double precision)), 0.0)"


class number_or_null(GenericFunction[Any]):
    """The value when it is a number, else NULL (SQLite lets any column hold text; a
    PostgreSQL numeric column holds numbers only)."""

    inherit_cache = True


@compiles(number_or_null)
def _number_sqlite(element: number_or_null, compiler: SQLCompiler, **kw: Any) -> str:
    inner = compiler.process(element.clauses, **kw)
    return f"CASE WHEN typeof({inner}) IN ('integer', 'real') THEN {inner} END"


@compiles(number_or_null, "postgresql")
def _number_pg(element: number_or_null, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)})"


class timestamp_day(GenericFunction[str]):
    """The day 'YYYY-MM-DD' of a text timestamp; NULL when the text is no timestamp."""

    type = sa.String()
    inherit_cache = True


@compiles(timestamp_day)
def _day_sqlite(element: timestamp_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(timestamp_day, "postgresql")
def _day_pg(element: timestamp_day, compiler: SQLCompiler, **kw: Any) -> str:
    inner = compiler.process(element.clauses, **kw)
    # Text timestamps as the orchestrators write them; a timestamp column as its day.
    return (
        f"CASE WHEN CAST({inner} AS text) ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}' "
        f"THEN substr(CAST({inner} AS text), 1, 10) END"
    )


class json_field_text(FunctionElement[str]):
    """A top-level string field of a JSON object kept as text; NULL when the text is not
    JSON or lacks the field. `json_field_text(column, "by")`."""

    type = sa.String()
    inherit_cache = True
    name = "json_field_text"


@compiles(json_field_text)
def _json_field_sqlite(element: json_field_text, compiler: SQLCompiler, **kw: Any) -> str:
    column, key = list(element.clauses)
    inner = compiler.process(column, **kw)
    path = compiler.process(sa.literal("$." + str(key.effective_value)), **kw)
    return f"CASE WHEN json_valid({inner}) THEN json_extract({inner}, {path}) END"


@compiles(json_field_text, "postgresql")
def _json_field_pg(element: json_field_text, compiler: SQLCompiler, **kw: Any) -> str:
    # PostgreSQL 15 has no json_valid and a cast of broken text fails the whole query:
    # the field is found in the text itself (a string value, escapes left as written).
    column, key = list(element.clauses)
    inner = compiler.process(column, **kw)
    field = str(key.effective_value).replace("'", "''")
    pattern = f'"{field}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"'
    return f"substring(CAST({inner} AS text) from '{pattern}')"


class row_order(FunctionElement[Any]):
    """A table's physical row order (SQLite's rowid, PostgreSQL's ctid): a tie-break for
    rows with equal sort keys. `row_order(table)`."""

    inherit_cache = True
    name = "row_order"

    def __init__(self, table: sa.TableClause) -> None:
        self.table_name = table.name
        super().__init__()

    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy's cache key, as it declares it
        ("table_name", sa.sql.visitors.InternalTraversal.dp_string)
    ]


@compiles(row_order)
def _row_order_sqlite(element: row_order, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.preparer.quote(element.table_name)}.rowid"


@compiles(row_order, "postgresql")
def _row_order_pg(element: row_order, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.preparer.quote(element.table_name)}.ctid"


def has_index(conn: Connection, name: str) -> bool:
    """Whether the database has an index called `name`."""
    if conn.dialect.name == "postgresql":
        statement = sa.text(
            "SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = :name"
        )
    else:
        statement = sa.text("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = :name")
    return conn.execute(statement, {"name": name}).first() is not None


# --- orders as SQLite makes them: NULL placed where SQLite places it, text in byte
# order; and a "now" that fits a text or a timestamp column.


def ascending(column: sa.ColumnElement[Any]) -> sa.UnaryExpression[Any]:
    """`column` ascending, NULL first as SQLite sorts it (PostgreSQL puts NULL last unless
    told): the same rows come first on every engine. A PostgreSQL index serving this order
    lists the column NULLS FIRST (read backwards it serves `descending`)."""
    return column.asc().nulls_first()


def descending(column: sa.ColumnElement[Any]) -> sa.UnaryExpression[Any]:
    """`column` descending, NULL last as SQLite sorts it (PostgreSQL puts NULL first)."""
    return column.desc().nulls_last()


class byte_order(GenericFunction[str]):
    """A text column compared byte by byte, as SQLite's BINARY collation does; PostgreSQL
    sorts by the database's collation otherwise ('b' before 'C' in en_US). For ORDER BY
    on small tables (no index is read in this order)."""

    type = sa.String()
    inherit_cache = True


@compiles(byte_order)
def _byte_order_default(element: byte_order, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(byte_order, "postgresql")
def _byte_order_pg(element: byte_order, compiler: SQLCompiler, **kw: Any) -> str:
    return f'({compiler.process(element.clauses, **kw)} COLLATE "C")'


class now_stamp(GenericFunction[Any]):
    """The current UTC time to the second, to assign to a timestamp column of either form:
    SQLite's datetime('now'); on PostgreSQL a `timestamp`, which a `timestamp` column
    takes as it is and a text column stores as 'YYYY-MM-DD HH:MM:SS' (the assignment cast
    writes it in the ISO DateStyle, the server's default), as datetime('now') does."""

    inherit_cache = True


@compiles(now_stamp)
def _now_stamp_sqlite(element: now_stamp, compiler: SQLCompiler, **kw: Any) -> str:
    return "datetime('now')"


@compiles(now_stamp, "postgresql")
def _now_stamp_pg(element: now_stamp, compiler: SQLCompiler, **kw: Any) -> str:
    return "date_trunc('second', now() AT TIME ZONE 'UTC')"


def values_present(column: sa.Column[Any], name: str) -> sa.CTE:
    """The values of an indexed column, found by skipping from each to the next in its
    index (a recursive query: a seek per value, where DISTINCT or GROUP BY reads every
    row, and PostgreSQL's planner a sequential scan). Its one column, `value`, ends with
    a NULL row: select `WHERE value IS NOT NULL`."""
    following = column.table.alias(f"{name}_next")
    present = sa.select(sa.func.min(column).label("value")).cte(name, recursive=True)
    next_value = (
        sa.select(sa.func.min(following.c[column.key]))
        .where(following.c[column.key] > present.c.value)
        .scalar_subquery()
    )
    return present.union_all(sa.select(next_value).where(present.c.value.is_not(None)))


def index_counts_read_the_table(conn: Connection, table: str) -> bool:
    """Whether counting rows over an index's ranges would visit the table's pages too.

    On PostgreSQL an index answers a count alone only for pages the visibility map marks
    all-visible, which a vacuum does; on a table mostly unmarked (filled or rewritten
    since its last vacuum) a range per value revisits the same pages once per value, and
    one pass over the table counts sooner (19 ms against 45 ms on 100,000 cards). SQLite's
    indexes always count alone.
    """
    if conn.dialect.name != "postgresql":
        return False
    pages = conn.execute(
        sa.text("SELECT relpages, relallvisible FROM pg_class WHERE oid = to_regclass(:name)"),
        {"name": table},
    ).first()
    if pages is None:  # no such table: the caller's own read says so
        return False
    return int(pages.relallvisible) * 2 <= int(pages.relpages)

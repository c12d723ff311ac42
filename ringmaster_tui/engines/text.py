"""Text matching that is the same on every engine: letters in any case, beyond ASCII.

SQLite's LIKE and lower() fold ASCII letters only (`ärger` would not find `Ärger`), so
`fold_case` compiles to a function each SQLite connection is given (Python's own lower-
casing, see `register_text_functions`) and to lower() on PostgreSQL, which folds by the
database's locale. Both sides of a comparison go through it; a query that filters
nothing uses neither, so its indexes stay as they are.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction

# The name the SQLite connections know the function by: unlikely to meet a user's own.
SQLITE_FOLD_CASE = "ringmaster_fold_case"


SqlValue = str | bytes | int | float | None


def fold(value: SqlValue) -> SqlValue:
    """`value` lower-cased by Unicode's rules (not casefold: ß stays ß, as it does in
    PostgreSQL's lower() and in the FTS5 trigram index); anything but text as it is."""
    return value.lower() if isinstance(value, str) else value


class fold_case(GenericFunction[str]):
    """`fold_case(text)`: the text with its letters lower-cased, whatever the engine."""

    type = sa.String()
    inherit_cache = True


@compiles(fold_case)
def _fold_case_default(element: fold_case, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(fold_case, "sqlite")
def _fold_case_sqlite(element: fold_case, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{SQLITE_FOLD_CASE}({compiler.process(element.clauses, **kw)})"


def contains_folded(
    pattern: sa.ColumnElement[str], *columns: sa.ColumnElement[Any]
) -> sa.ColumnElement[bool]:
    """Any of `columns` matches the LIKE `pattern` (escaped with a backslash), letters in
    any case."""
    folded = fold_case(pattern)
    return sa.or_(*(fold_case(column).like(folded, escape="\\") for column in columns))


def register_text_functions(conn: sqlite3.Connection) -> None:
    """Give one SQLite connection the functions `fold_case` compiles to."""
    conn.create_function(SQLITE_FOLD_CASE, 1, fold, deterministic=True)

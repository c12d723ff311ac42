"""Engines: the kinds of database a source can live on. One place picks the engine for a
target (a path or a URL); nothing else branches on the kind of database."""

from __future__ import annotations

from pathlib import Path

from ringmaster_tui.engines.base import ChangeFeed, Engine
from ringmaster_tui.engines.errors import (
    DiskFullError,
    OpenError,
    ReadOnlyError,
    StaleFilesError,
    WriteBusyError,
)

__all__ = [
    "POSTGRESQL",
    "SQLITE",
    "ChangeFeed",
    "DiskFullError",
    "Engine",
    "OpenError",
    "ReadOnlyError",
    "StaleFilesError",
    "WriteBusyError",
    "change_notices",
    "create_database",
    "engine_kind",
    "open_engine",
    "postgres_ddl",
]

SQLITE = "sqlite"
POSTGRESQL = "postgresql"


def postgres_ddl(sqlite_ddl: str) -> str:
    """A source's SQLite DDL written for PostgreSQL (engines/postgres/ddl.py), imported
    only when asked: SQLite's commands do without it."""
    from ringmaster_tui.engines.postgres.ddl import sqlite_to_postgres

    return sqlite_to_postgres(sqlite_ddl)


def engine_kind(target: str | Path) -> str:
    """Which engine serves `target`: a path or sqlite:/// URL is SQLite; postgresql://,
    postgres:// and postgresql+psycopg:// URLs are PostgreSQL."""
    text = str(target)
    if "://" not in text:
        return SQLITE
    scheme = text.split("://", 1)[0].lower()
    if scheme.startswith("libsql"):
        raise OpenError(
            f"{scheme}:// (a remote Turso database) cannot be opened directly; open a local "
            "libSQL file (an embedded replica) by its path instead"
        )
    if scheme == "postgres":
        return POSTGRESQL
    import sqlalchemy as sa  # here: knowing the engine of a path needs none of it

    try:
        backend = sa.engine.make_url(text).get_backend_name()
    except sa.exc.ArgumentError as exc:
        raise OpenError(f"cannot read the database URL ({exc})") from exc
    if backend == SQLITE:
        return SQLITE
    if backend == POSTGRESQL:
        return POSTGRESQL
    raise OpenError(
        f"cannot open a {backend} database; ringmaster-tui reads SQLite databases "
        "(a path or sqlite:///PATH) and PostgreSQL ones (postgresql://USER@HOST/DB)"
    )


def open_engine(target: str | Path, *, read_only: bool = False) -> Engine:
    """Open an existing database on the engine its target names."""
    if engine_kind(target) == POSTGRESQL:  # refuses what no engine serves, with its own message
        from ringmaster_tui.engines.postgres.engine import open_postgres

        return open_postgres(str(target), read_only=read_only)
    from ringmaster_tui.engines.sqlite.engine import open_sqlite

    return open_sqlite(target, read_only=read_only)


def create_database(target: str | Path, ddl: str) -> Engine:
    """Create a new database at `target` from `ddl` (a source's schema for that engine)."""
    if engine_kind(target) == POSTGRESQL:
        from ringmaster_tui.engines.postgres.engine import create_postgres

        return create_postgres(str(target), ddl)
    from ringmaster_tui.engines.sqlite.engine import create_sqlite

    return create_sqlite(target, ddl)


def change_notices(target: str | Path, *, install: bool) -> str:
    """Install (or remove) the optional triggers that push commits to dashboards; only
    PostgreSQL has them. What was done, in words."""
    if engine_kind(target) != POSTGRESQL:
        raise OpenError(
            f"{target}: push-triggers is for PostgreSQL databases;"
            " a SQLite file is watched directly"
        )
    from ringmaster_tui.engines.postgres.engine import change_notices as postgres_notices

    return postgres_notices(str(target), install=install)

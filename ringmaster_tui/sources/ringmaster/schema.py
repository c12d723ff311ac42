"""Ringmaster's schema: schema.sql (seed 000 with seed 003's decisions and alerts), read
from the installation, and a new database made from it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ringmaster_tui.engines import POSTGRESQL, create_database, postgres_ddl
from ringmaster_tui.engines.base import Engine
from ringmaster_tui.resources import resource_path


@cache
def schema_sql() -> str:
    return resource_path("schema.sql").read_text(encoding="utf-8")


@cache
def schema_for(engine_kind: str) -> str:
    """schema.sql for an engine: as it is for SQLite, translated for PostgreSQL."""
    if engine_kind == POSTGRESQL:
        return postgres_ddl(schema_sql())
    return schema_sql()


def create_ringmaster_database(target: str | Path) -> Engine:
    """A new database with Ringmaster's schema; refuses a file that holds one already."""
    return create_database(target, schema_sql())

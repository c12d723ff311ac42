"""What the tests comparing a source on both engines, and its writes on PostgreSQL, share:
a template database made from a SQLite file (copied per test, quickly), view models
dumped for comparison, and statements run by another connection (the orchestrator's, or
another dashboard's) that changes rows first."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ringmaster_tui.sources.base import Source, SourceKind
from ringmaster_tui.sources.registry import create_source_database, open_source
from tests.postgres.cluster import Cluster
from tests.postgres.data import copy_sqlite_into, pg_engine

Sql = Callable[..., list[Any]]


def source_database(cluster: Cluster, prefix: str, kind: SourceKind) -> str:
    """The URL of a new database made by `init` for the kind."""
    url = cluster.url(cluster.new_database(prefix), password="postgres")
    create_source_database(url, kind)
    return url


def template_from_sqlite(cluster: Cluster, prefix: str, kind: SourceKind, sqlite: Path) -> str:
    """A new database made by `init` for the kind with the SQLite file's rows copied in;
    its name, to copy it per test with `fresh_copy`."""
    url = source_database(cluster, prefix, kind)
    copy_sqlite_into(sqlite, url)
    return sa.make_url(url).database or ""


def fresh_copy(cluster: Cluster, prefix: str, template: str) -> str:
    """The URL of a new database copied from the template."""
    return cluster.url(cluster.new_database(prefix, template=template), password="postgres")


@contextmanager
def sources_on_both(sqlite: Path, url: str, user: str = "ann") -> Iterator[tuple[Source, Source]]:
    """A source opened on the SQLite file and one on the PostgreSQL copy, closed after."""
    lite = open_source(sqlite, user=user)
    pg = open_source(url, user=user)
    try:
        yield lite, pg
    finally:
        lite.close()
        pg.close()


def dumped(value: Any) -> Any:
    """A view model as plain data (anything else as it is), to compare or show a diff."""
    return value.model_dump() if hasattr(value, "model_dump") else value


def rounded(value: Any) -> Any:
    """Floats to 10 significant digits: sums of the same costs taken in another row order
    differ in their last bits (SQLite and PostgreSQL scan in their own orders)."""
    if isinstance(value, float):
        return float(f"{value:.10g}")
    if isinstance(value, dict):
        return {key: rounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(item) for item in value]
    return value


def dumped_rounded(value: Any) -> Any:
    return rounded(dumped(value))


@contextmanager
def other_connection(url: str, *, tuples: bool = False) -> Iterator[Sql]:
    """`run(statement, **params)`: each statement committed at once on a connection of
    its own; the rows it returns (as plain tuples if asked)."""
    engine = pg_engine(url)

    def run(statement: str, **params: Any) -> list[Any]:
        with engine.begin() as conn:
            result = conn.execute(sa.text(statement), params)
            if not result.returns_rows:
                return []
            return [tuple(row) for row in result] if tuples else list(result.all())

    try:
        yield run
    finally:
        engine.dispose()

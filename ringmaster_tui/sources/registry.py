"""Every source kind, in the order they are tried, and the one way to open a database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ringmaster_tui.engines import OpenError, create_database, engine_kind, open_engine
from ringmaster_tui.sources.coordination.kind import COORDINATION
from ringmaster_tui.sources.episodes.kind import EPISODES
from ringmaster_tui.sources.ralph.kind import RALPH
from ringmaster_tui.sources.ringmaster.kind import RINGMASTER
from ringmaster_tui.sources.tickets.kind import TICKETS

if TYPE_CHECKING:
    from ringmaster_tui.engines.base import HealthReport
    from ringmaster_tui.sources.base import Source, SourceKind

# Tried in this order; a kind whose tables another kind also has comes first.
KINDS: tuple[SourceKind, ...] = (RINGMASTER, COORDINATION, RALPH, TICKETS, EPISODES)


def kind_named(name: str) -> SourceKind:
    for kind in KINDS:
        if kind.name == name:
            return kind
    known = ", ".join(kind.name for kind in KINDS)
    raise OpenError(f"no source kind is called {name!r}; the kinds are {known}")


def detect(tables: set[str]) -> SourceKind | None:
    """The first kind whose required tables are all present."""
    for kind in KINDS:
        if all(table in tables for table in kind.required_tables):
            return kind
    return None


def open_source(
    target: str | Path,
    *,
    read_only: bool = False,
    user: str,
    kind: str | None = None,
    repositories: dict[str, str] | None = None,
) -> Source:
    """Open a database and the source that understands its schema (or `kind`, forced);
    `repositories` are the user's local clones by name (`--repo NAME=PATH`)."""
    engine = open_engine(target, read_only=read_only)
    try:
        tables = engine.table_names()
        chosen = kind_named(kind) if kind else detect(tables)
        if chosen is None:
            raise OpenError(f"{engine.label}: {_what_kinds_need(tables)}")
        missing = [t for t in chosen.required_tables if t not in tables]
        if missing:
            raise OpenError(
                f"{engine.label}: is not a {chosen.title} database "
                f"(no {', '.join(missing)} table); check the path"
            )
    except BaseException:
        engine.dispose()
        raise
    source = chosen.open(engine, user)
    source.repositories = dict(repositories or {})
    return source


def _what_kinds_need(tables: set[str]) -> str:
    """Which tables each kind lacks, the default kind (Ringmaster) first."""

    def lacks(kind: SourceKind) -> str:
        missing = ", ".join(t for t in kind.required_tables if t not in tables)
        return f"{kind.title} database (no {missing} table)"

    first, *others = (lacks(kind) for kind in KINDS)
    nor = "".join(f", nor a {other}" for other in others)
    return f"is not a {first}{nor}; check the path, or create one with `ringmaster-tui init`"


def create_source_database(target: str | Path, kind: SourceKind) -> str:
    """A new database of `kind` at `target` (its schema for the target's engine); its label."""
    engine = create_database(target, kind.ddl(engine_kind(target)))
    label = engine.label
    engine.dispose()
    return label


def check_database(target: str | Path, *, kind: str | None = None) -> HealthReport:
    """The health of the database at `target`, against its kind's schema (detected, or
    `kind`; a database of no known kind is held to the first kind's)."""
    engine = open_engine(target, read_only=True)
    try:
        chosen = kind_named(kind) if kind else detect(engine.table_names()) or KINDS[0]
        return engine.health(chosen.ddl(engine.kind))
    finally:
        engine.dispose()

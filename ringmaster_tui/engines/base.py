"""The seam between a source and the database it lives on.

An engine is a kind of database (SQLite, PostgreSQL): how it is opened (read-write, or
read-only and why), one short read transaction, one write transaction with retries,
which tables and columns exist, and how commits are noticed. It knows no orchestrator:
a source (sources/*) brings the schema and the queries, written in SQLAlchemy Core so
that they run on every engine.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol, TypeVar

from ringmaster_tui.engines.errors import OpenError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

T = TypeVar("T")


@dataclass(frozen=True)
class BackupResult:
    destination: Path
    pages: int
    integrity: str
    """The copy's own integrity check: "ok" when it is sound."""


def backup_partial_path(destination: Path, *, force: bool) -> Path:
    """Where a backup is written before it is checked and given its name; refuses a
    destination that exists (unless `force`) or whose folder does not."""
    if destination.exists() and not force:
        raise OpenError(f"{destination}: already exists; add --force to overwrite it")
    if not destination.parent.is_dir():
        raise OpenError(f"{destination}: the folder {destination.parent} does not exist")
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    return partial


@dataclass
class HealthReport:
    """What `check` prints: the database's soundness, and how it differs from its schema."""

    integrity: list[str]
    foreign_key_problems: list[str]
    wal_bytes: int
    row_counts: dict[str, int]
    missing: list[str]
    extra: list[str]

    @property
    def healthy(self) -> bool:
        return self.integrity == ["ok"] and not self.foreign_key_problems and not self.missing


class ChangeFeed(Protocol):
    """Calls its owner back after every commit of any writer, from its own thread.

    The first call comes once it watches (an owner may use it for its first load); then
    one after each commit (bursts fold into fewer calls) and after `poke()`. Its status
    callback reports a missing, replaced or unreadable database, and None once it is fine.
    """

    def start(self) -> None: ...

    def stop(self, timeout: float = 1.0) -> None: ...

    def poke(self) -> None:
        """The owner wrote: reload now, even if no commit shows yet."""
        ...

    @property
    def following_a_stream(self) -> bool:
        """Commits keep coming (the feed polls them closely meanwhile)."""
        ...


class Engine(Protocol):
    """One open database. Every connection it makes ends with its transaction."""

    kind: ClassVar[str]
    """"sqlite" or "postgresql": what `status --json` and the log call it."""

    @property
    def label(self) -> str:
        """What the user sees: a path, or a URL without its password."""
        ...

    @property
    def writable(self) -> bool: ...

    @property
    def read_only_reason(self) -> str:
        """Why writes are disabled; empty when writable."""
        ...

    @property
    def warning(self) -> str | None:
        """What the reads miss, when they cannot see every commit; None when they can."""
        ...

    def read(self) -> AbstractContextManager[Connection]:
        """One short read transaction; it ends with the block."""
        ...

    def write_with_retry(self, work: Callable[[Connection], T]) -> T:
        """`work` in one write transaction, waiting a bounded time for other writers; then
        WriteBusyError, and nothing was written."""
        ...

    def table_names(self) -> set[str]: ...

    def change_feed(
        self,
        on_change: Callable[[], None],
        on_status: Callable[[str | None], None] | None = None,
    ) -> ChangeFeed: ...

    def backlog_bytes(self) -> int:
        """Written but not yet folded back (SQLite's -wal): loads pause longer while it
        grows, so that the writer can fold it. 0 where there is no such thing."""
        ...

    def backup(self, destination: Path, *, force: bool = False) -> BackupResult:
        """A consistent copy at `destination`, taken while writers keep writing."""
        ...

    def health(self, expected_ddl: str) -> HealthReport:
        """Soundness, sizes, and what differs from the schema `expected_ddl` makes."""
        ...

    def dispose(self) -> None: ...

"""The SQLite engine: opening a database file, PRAGMAs, read-only opening, transactions.

Every connection to a SQLite file goes through here, so the rules are in one place:
reads through read-only connections in short deferred transactions, writes in BEGIN
IMMEDIATE with foreign keys on and bounded retries, the journal mode left as the file's
owner chose it, and no connection kept open between two of them.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, TypeVar
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

from ringmaster_tui.engines.base import BackupResult, HealthReport
from ringmaster_tui.engines.errors import DiskFullError, OpenError, ReadOnlyError, WriteBusyError
from ringmaster_tui.engines.sqlite import maintenance
from ringmaster_tui.engines.sqlite.feed import SqliteChangeFeed
from ringmaster_tui.engines.sqlite.files import (
    ReplacementGuard,
    commit_marker,
    side_path,
    unread_wal_bytes,
)
from ringmaster_tui.engines.text import register_text_functions

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
# How long a write waits in all while another writer holds the lock.
WRITE_RETRY_SECONDS = 10.0
# Between two tries, when SQLite itself gave up waiting (a lock it cannot wait on).
RETRY_PAUSE_SECONDS = 0.05

T = TypeVar("T")


def path_from_target(target: str) -> Path:
    """A filesystem path from a path or a sqlite URL; any other URL is refused."""
    if "://" not in target:
        return Path(target).expanduser()
    url = sa.engine.make_url(target)
    if url.get_backend_name() != "sqlite":
        raise OpenError(
            f"{target}: cannot open a {url.get_backend_name()} database; "
            "ringmaster-tui reads SQLite databases (a path or sqlite:///PATH)"
        )
    if not url.database or url.database == ":memory:":
        raise OpenError(f"{target}: give the path of a database file (sqlite:///PATH)")
    return Path(url.database).expanduser()


def _sqlite_uri(path: Path, mode: str) -> str:
    return f"file:{quote(str(path.resolve()))}?{mode}"


@dataclass(frozen=True)
class Access:
    """How a database is opened: writable or not, and how it is read.

    Reads always go through read-only connections (`mode=ro`), even when writes are
    allowed: a read-only connection cannot checkpoint, so reading never writes the file.
    `immutable` reads a file no writer has open from a folder SQLite cannot write (it
    cannot make the -shm file there): the file as it stands, without its -wal.
    """

    mode: str  # "rw", "ro", "immutable"
    reason: str = ""
    """Why writes are disabled, shown to the user; empty when writable."""

    @property
    def writable(self) -> bool:
        return self.mode == "rw"

    @property
    def read_uri_mode(self) -> str:
        return "immutable=1" if self.mode == "immutable" else "mode=ro"


def _unwritable_reason(path: Path) -> str:
    if not os.access(path, os.W_OK):
        return f"you cannot write {path}"
    if not os.access(path.parent, os.W_OK):
        return f"you cannot write the folder {path.parent} (SQLite needs it for its -wal file)"
    return ""


class SharedExclusive:
    """A lock many may hold together (`shared`) or one alone (`exclusive`); a waiting
    exclusive holder goes before new shared ones, so a stream of reads cannot starve it."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._shared = 0
        self._exclusive = False
        self._waiting = 0

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._exclusive and not self._waiting)
            self._shared += 1
        try:
            yield
        finally:
            with self._cond:
                self._shared -= 1
                self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            self._waiting += 1
            self._cond.wait_for(lambda: not self._exclusive and not self._shared)
            self._waiting -= 1
            self._exclusive = True
        try:
            yield
        finally:
            with self._cond:
                self._exclusive = False
                self._cond.notify_all()


class SqliteEngine:
    """One SQLite database file: read-only connections for reads, read-write ones for the
    writes the user asks for; no connection outlives its transaction."""

    kind: ClassVar[str] = "sqlite"

    def __init__(
        self, path: Path, access: Access, *, write_timeout: float = WRITE_RETRY_SECONDS
    ) -> None:
        self.path = path
        self.access = access
        self.write_timeout = write_timeout
        """The longest a write waits for other writers before it gives up."""
        self.guard = ReplacementGuard(path)
        """Refuses a main file replaced while open until the old one's -wal and -shm go."""
        self.reader = self._make_engine(access.read_uri_mode, reader=True)
        """SQLAlchemy's engine for the reads (read-only connections)."""
        self._writer: Engine | None = None
        self._turns = SharedExclusive()
        """Reads share it; a write's connection closes holding it alone."""

    def _make_engine(self, uri_mode: str, *, reader: bool) -> Engine:
        uri = _sqlite_uri(self.path, uri_mode)
        # NullPool: no connection outlives its transaction, so none keeps a -wal alive
        # after the orchestrator that wrote it has closed.
        engine = sa.create_engine(
            "sqlite+pysqlite://",
            creator=lambda: sqlite3.connect(
                uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            ),
            poolclass=NullPool,
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
            # Take transaction control from the driver so BEGIN is ours to issue.
            dbapi_conn.isolation_level = None
            # Another tool may have stored bytes that are not UTF-8 as text: show them with
            # replacement characters rather than fail the whole read.
            dbapi_conn.text_factory = _lenient_text
            register_text_functions(dbapi_conn)  # filters that fold case beyond ASCII
            cursor = dbapi_conn.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # Never the journal mode: it is the orchestrator's choice, and setting it
            # writes the file (and fails on a full disk).
            cursor.execute("PRAGMA query_only = ON" if reader else "PRAGMA foreign_keys = ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine

    @property
    def label(self) -> str:
        return str(self.path)

    @property
    def writable(self) -> bool:
        return self.access.writable

    @property
    def read_only_reason(self) -> str:
        return self.access.reason

    def change_feed(
        self,
        on_change: Callable[[], None],
        on_status: Callable[[str | None], None] | None = None,
    ) -> SqliteChangeFeed:
        return SqliteChangeFeed(self, on_change, on_status)

    def backlog_bytes(self) -> int:
        return wal_size(self.path)

    @property
    def warning(self) -> str | None:
        """What the reads miss, when they cannot see every commit; None when they can."""
        if self.access.mode != "immutable":
            return None
        unread = unread_wal_bytes(self.path)
        if not unread:
            return None
        return (
            f"{self.path.name}-wal holds {unread:,} bytes of commits that cannot be read "
            f"(no -shm file, and SQLite cannot make one: {self.access.reason}); what is "
            "shown is the file as last checkpointed and may be out of date"
        )

    def commit_marker(self) -> object | None:
        """Changes at every visible commit; None when the file is missing (for the feed)."""
        return commit_marker(self.path)

    def check_files(self) -> None:
        """Raise StaleFilesError while the file sits beside another file's -wal or -shm."""
        self.guard.check()

    def follow_writer(self) -> bool:
        """Opened immutable (its folder is read-only and no writer had it open): once a
        writer has it open (its -shm file exists), read it the usual way, which sees
        new commits. True when it switched; the change feed asks at each check."""
        if self.access.mode != "immutable" or not side_path(self.path, "-shm").exists():
            return False
        live = Access("ro", self.access.reason)
        try:
            _probe(self.path, live)
        except sqlite3.DatabaseError:
            return False  # the writer left again meanwhile: stay as we are
        stale, self.access = self.reader, live
        self.reader = self._make_engine(live.read_uri_mode, reader=True)
        stale.dispose()
        log.info("%s: a writer has it open now; reading it live", self.path)
        return True

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """One short read transaction on a read-only connection; it ends with the block."""
        self.guard.check()
        with self._turns.shared(), self.reader.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Iterator[Connection]:
        """One write transaction, taken with BEGIN IMMEDIATE so it cannot deadlock later.

        BEGIN waits up to `busy_timeout_ms` for another writer to finish.
        """
        if not self.writable:
            raise ReadOnlyError(self.access.reason or "the database is open read-only")
        self.guard.check()  # a write beside another file's -wal would corrupt the new file
        if self._writer is None:
            self._writer = self._make_engine("mode=rw", reader=False)
        conn = self._writer.connect()
        try:
            # On the driver's connection: a statement through SQLAlchemy would BEGIN first.
            dbapi_conn = conn.connection.dbapi_connection
            assert dbapi_conn is not None
            dbapi_conn.execute(f"PRAGMA busy_timeout = {max(1, busy_timeout_ms)}")
            immediate = conn.execution_options(sqlite_begin="IMMEDIATE")
            with immediate.begin():
                yield immediate
        except sa.exc.OperationalError as exc:
            if _is_full(exc, self.path):
                raise DiskFullError(_disk_full_message(self.path)) from exc
            raise
        finally:
            # Closed while none of our reads is open: with no other program attached, this
            # close is the last one, so SQLite copies the -wal back and removes it, and no
            # -wal of ours is left for a file restored over this one to meet.
            with self._turns.exclusive():
                conn.close()

    def write_with_retry(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in one write transaction, waiting at most `write_timeout` seconds in
        all for other writers; then WriteBusyError, and nothing was written."""
        deadline = time.monotonic() + self.write_timeout
        tries = 0
        while True:
            tries += 1
            remaining = deadline - time.monotonic()
            try:
                with self.write(busy_timeout_ms=int(remaining * 1000)) as conn:
                    return work(conn)
            except sa.exc.OperationalError as exc:
                if not _is_busy(exc):
                    raise
                if time.monotonic() + RETRY_PAUSE_SECONDS >= deadline:
                    log.warning("write gave up after %d tries: %s", tries, exc.orig)
                    raise WriteBusyError(
                        f"another program kept the database locked for "
                        f"{self.write_timeout:g} s; nothing was written, try again"
                    ) from exc
                log.info("database busy (%s); trying the write again", exc.orig)
                time.sleep(RETRY_PAUSE_SECONDS)

    def read_connection(self) -> sqlite3.Connection:
        """A plain read-only connection outside any transaction (backup, check)."""
        self.guard.check()
        return sqlite3.connect(
            _sqlite_uri(self.path, self.access.read_uri_mode),
            uri=True,
            timeout=BUSY_TIMEOUT_MS / 1000,
            check_same_thread=False,
            isolation_level=None,
        )

    def table_names(self) -> set[str]:
        with self.read() as conn:
            rows = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
            return {row[0] for row in rows}

    def backup(self, destination: Path, *, force: bool = False) -> BackupResult:
        return maintenance.backup(self, destination, force=force)

    def health(self, expected_ddl: str) -> HealthReport:
        return maintenance.check(self, expected_ddl)

    def dispose(self) -> None:
        self.reader.dispose()
        if self._writer is not None:
            self._writer.dispose()


def wal_size(path: Path) -> int:
    """The size of the database's -wal file in bytes; 0 when there is none."""
    try:
        return os.stat(side_path(path, "-wal")).st_size
    except OSError:
        return 0


def _lenient_text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _is_busy(exc: sa.exc.OperationalError) -> bool:
    text = str(exc.orig).lower()
    return "locked" in text or "busy" in text


def _is_full(exc: sa.exc.OperationalError, path: Path) -> bool:
    # SQLite says "disk I/O error" when it cannot grow the -shm file on a full disk.
    text = str(exc.orig).lower()
    return "full" in text or ("i/o error" in text and _disk_full(path))


def _free_bytes(folder: Path) -> int | None:
    try:
        stat = os.statvfs(folder)
    except OSError:
        return None
    return stat.f_bavail * stat.f_frsize


# Less room than this and SQLite cannot make a -shm file (32 KiB) to read a WAL database.
DISK_FULL_BYTES = 64 * 1024


def _disk_full(path: Path) -> bool:
    free = _free_bytes(path.parent)
    return free is not None and free < DISK_FULL_BYTES


def _disk_full_message(path: Path) -> str:
    free = _free_bytes(path.parent)
    room = f" ({free:,} bytes free)" if free is not None else ""
    return f"the disk holding {path} is full{room}; nothing was written. Free some space"


def _probe(path: Path, access: Access) -> None:
    """Fail now, with SQLite's reason, if this database cannot be read this way. Always
    through a read-only connection: closing it never checkpoints, so nothing is written."""
    conn = sqlite3.connect(_sqlite_uri(path, access.read_uri_mode), uri=True, timeout=1)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()


def open_sqlite(target: str | Path, *, read_only: bool = False) -> SqliteEngine:
    """Open an existing database, read-write when allowed, else read-only.

    Raises OpenError with one line naming the path and what to do.
    """
    path = path_from_target(str(target))
    if not path.exists():
        raise OpenError(
            f"{path}: no such database. Create one with `ringmaster-tui init {path}`, "
            "or try `ringmaster-tui demo`."
        )
    if path.is_dir():
        raise OpenError(f"{path}: is a folder; give the path of the database file")
    if not os.access(path, os.R_OK):
        raise OpenError(
            f"{path}: you cannot read it (permission denied); ask its owner for read access"
        )
    if path.stat().st_size == 0:
        raise OpenError(
            f"{path}: is an empty file, not a database yet; "
            f"`ringmaster-tui init {path}` makes one there"
        )
    if read_only:
        access = Access("ro", "opened with --read-only")
    else:
        reason = _unwritable_reason(path)
        access = Access("ro", reason) if reason else Access("rw")
    try:
        _probe(path, access)
    except sqlite3.DatabaseError as exc:
        log.info("%s: cannot be read as %s (%s)", path, access.mode, exc)
        access = _fallback_access(path, access, exc)
    why = f": {access.reason}" if access.reason else ""
    log.info("opened %s %s%s", path, _MODE_WORDS[access.mode], why)
    engine = SqliteEngine(path, access)
    if engine.warning:
        log.warning("%s: %s", path, engine.warning)
    return engine


_MODE_WORDS = {"rw": "read-write", "ro": "read-only", "immutable": "read-only (as last saved)"}


def _fallback_access(path: Path, access: Access, exc: sqlite3.DatabaseError) -> Access:
    message = str(exc)
    if "not a database" in message or "malformed" in message:
        raise OpenError(f"{path}: is not a SQLite database ({message}); check the path") from exc
    if _disk_full(path):
        # SQLite cannot make the -shm file a WAL database is read with. Read the file as
        # it stands; the -wal's commits, if any, are said to be missing (Database.warning).
        reason = access.reason or "the disk is full"
        immutable = Access("immutable", reason)
        _probe(path, immutable)
        return immutable
    if "readonly" in message or "unable to open" in message:
        # A WAL database with no writer attached and a folder we cannot write: SQLite
        # cannot create the -shm file. Read the file as it stands; the live feed reopens
        # normally once a writer appears.
        immutable = Access("immutable", access.reason or _unwritable_reason(path))
        _probe(path, immutable)
        return immutable
    raise OpenError(f"{path}: cannot be opened ({message})") from exc


def create_sqlite(target: str | Path, ddl: str) -> SqliteEngine:
    """Run `ddl` (a source's schema script) in a new or empty database file; refuse one
    that holds data."""
    path = path_from_target(str(target))
    if path.exists() and path.stat().st_size > 0:
        existing = _existing_tables(path)
        if existing:
            raise OpenError(
                f"{path}: already holds a database ({len(existing)} tables); "
                "init only creates new ones, so nothing was changed"
            )
    if not path.parent.exists():
        raise OpenError(f"{path}: the folder {path.parent} does not exist")
    conn = sqlite3.connect(path)
    try:
        conn.executescript(ddl)
    finally:
        conn.close()
    return SqliteEngine(path, Access("rw"))


def _existing_tables(path: Path) -> list[str]:
    conn = sqlite3.connect(_sqlite_uri(path, "mode=ro"), uri=True)
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except sqlite3.DatabaseError as exc:
        raise OpenError(f"{path}: exists and is not a SQLite database ({exc})") from exc
    finally:
        conn.close()
    return [r[0] for r in rows]

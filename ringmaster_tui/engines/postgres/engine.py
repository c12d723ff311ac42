"""The PostgreSQL engine: a server database through psycopg 3 and SQLAlchemy.

Reads are short REPEATABLE READ READ ONLY transactions (one consistent view per snapshot,
never a write); writes are REPEATABLE READ transactions retried on serialization failures
and deadlocks, waiting a bounded time for row locks. A role that may only SELECT, a hot
standby and `--read-only` make the engine read-only, said why; privileges are asked of the
server (has_table_privilege), never found out by trying a write. Passwords are never shown:
the label and every message carry the URL without one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine

from ringmaster_tui.engines.base import BackupResult, HealthReport
from ringmaster_tui.engines.errors import DiskFullError, OpenError, ReadOnlyError, WriteBusyError
from ringmaster_tui.engines.postgres import catalog, maintenance, push_triggers
from ringmaster_tui.engines.postgres.connect import explain_connect_error, parse_url, redact, scrub
from ringmaster_tui.engines.postgres.ddl import split_statements
from ringmaster_tui.engines.postgres.feed import PostgresChangeFeed

log = logging.getLogger(__name__)

T = TypeVar("T")

CONNECT_TIMEOUT_SECONDS = 5
# How long a write waits in all for other writers' row locks and retries.
WRITE_RETRY_SECONDS = 10.0
RETRY_PAUSE_SECONDS = 0.02
# SQLSTATEs: retry the transaction; a lock not had in time; no right; read-only; disk full.
_RETRY = frozenset({"40001", "40P01"})
_LOCK_TIMEOUT = "55P03"
_NO_PRIVILEGE = "42501"
_READ_ONLY_TXN = "25006"
_DISK_FULL = "53100"

_TABLES_SQL = (
    "SELECT c.relname FROM pg_class AS c "
    "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')"
)
_PRIVILEGES_SQL = (
    "SELECT c.relname, has_table_privilege(c.oid, 'SELECT'), "
    "has_table_privilege(c.oid, 'INSERT') OR has_table_privilege(c.oid, 'UPDATE') "
    "OR has_table_privilege(c.oid, 'DELETE') "
    "FROM pg_class AS c "
    "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')"
)


def _sqlstate(exc: BaseException) -> str | None:
    orig = getattr(exc, "orig", None)
    code = getattr(orig, "sqlstate", None)
    return code if isinstance(code, str) else None


def _make_engine(url: URL) -> Engine:
    # A small pool: a dashboard's reads, its writes and nothing held in a transaction
    # between them (an idle pooled connection holds no snapshot, unlike SQLite's -wal).
    # No ping before each use (a round trip per snapshot): a connection the server
    # dropped fails one read, is thrown away, and the next read connects anew.
    return sa.create_engine(
        url,
        pool_size=2,
        max_overflow=4,
        pool_recycle=600,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            "application_name": "ringmaster-tui",
            # Short reads of a few rows each: the JIT compiler, started by the planner's
            # high estimates on big tables, cost more than the queries (12 ms of 40).
            "options": "-c jit=off",
        },
    )


class PostgresEngine:
    """One PostgreSQL database, as one role sees it."""

    kind: ClassVar[str] = "postgresql"

    def __init__(
        self,
        url: URL,
        *,
        read_only_reason: str = "",
        write_timeout: float = WRITE_RETRY_SECONDS,
    ) -> None:
        self.url = url
        self.write_timeout = write_timeout
        self._reason = read_only_reason
        self.engine = _make_engine(url)

    @property
    def label(self) -> str:
        return redact(self.url)

    @property
    def writable(self) -> bool:
        return not self._reason

    @property
    def read_only_reason(self) -> str:
        return self._reason

    @property
    def warning(self) -> str | None:
        return None

    def connect(self) -> Connection:
        """A connection outside any transaction (the feed's, maintenance's)."""
        try:
            return self.engine.connect()
        except sa.exc.OperationalError as exc:
            raise OpenError(explain_connect_error(str(exc.orig or exc), self.url)) from exc

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """One short REPEATABLE READ READ ONLY transaction; it ends with the block."""
        with self.connect() as raw:
            conn = raw.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
            with conn.begin():
                yield conn

    def write_with_retry(self, work: Callable[[Connection], T]) -> T:
        """`work` in one REPEATABLE READ transaction; tried again after a serialization
        failure or a deadlock, for at most `write_timeout` seconds; then WriteBusyError."""
        if not self.writable:
            raise ReadOnlyError(self._reason)
        deadline = time.monotonic() + self.write_timeout
        tries = 0
        while True:
            tries += 1
            remaining_ms = max(1, int((deadline - time.monotonic()) * 1000))
            try:
                with self.connect() as raw:
                    conn = raw.execution_options(isolation_level="REPEATABLE READ")
                    with conn.begin():
                        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {remaining_ms}")
                        return work(conn)
            except sa.exc.DBAPIError as exc:
                code = _sqlstate(exc)
                if code in _RETRY and time.monotonic() + RETRY_PAUSE_SECONDS < deadline:
                    log.info("write conflicted (%s); trying again", code)
                    time.sleep(RETRY_PAUSE_SECONDS * min(tries, 5))
                    continue
                if code in _RETRY or code == _LOCK_TIMEOUT:
                    raise WriteBusyError(
                        f"other writers kept the rows locked for {self.write_timeout:g} s; "
                        "nothing was written, try again"
                    ) from exc
                if code == _NO_PRIVILEGE:
                    raise ReadOnlyError(
                        f"role {self.url.username or ''!r} may not write this: "
                        f"{scrub(str(exc.orig), self.url).splitlines()[0]}"
                    ) from exc
                if code == _READ_ONLY_TXN:
                    raise ReadOnlyError(
                        "the server accepts no writes (a read-only server)"
                    ) from exc
                if code == _DISK_FULL:
                    raise DiskFullError(
                        f"{self.label}: the server's disk is full; nothing was written"
                    ) from exc
                raise

    def execute_script(self, ddl: str) -> None:
        """Run a PostgreSQL schema script in one transaction."""
        with self.connect() as conn, conn.begin():
            # On the driver's cursor, with no parameters: a % in the script is text.
            raw: Any = conn.connection.dbapi_connection
            with raw.cursor() as cursor:
                for statement in split_statements(ddl):
                    cursor.execute(statement)
        catalog.forget()

    def table_names(self) -> set[str]:
        with self.read() as conn:
            return {row[0] for row in conn.exec_driver_sql(_TABLES_SQL)}

    def change_feed(
        self,
        on_change: Callable[[], None],
        on_status: Callable[[str | None], None] | None = None,
    ) -> PostgresChangeFeed:
        return PostgresChangeFeed(self, on_change, on_status)

    def backlog_bytes(self) -> int:
        return 0

    def backup(self, destination: Path, *, force: bool = False) -> BackupResult:
        return maintenance.backup(self.url, destination, force=force)

    def health(self, expected_ddl: str) -> HealthReport:
        with self.read() as conn:
            return maintenance.check(conn, expected_ddl)

    def dispose(self) -> None:
        self.engine.dispose()


def _access(conn: Connection, url: URL, read_only: bool) -> str:
    """Why the role cannot write (empty when it can); OpenError when it cannot even read."""
    if read_only:
        return "opened with --read-only"
    row = conn.exec_driver_sql(
        "SELECT pg_is_in_recovery(), current_setting('default_transaction_read_only')"
    ).one()
    if row[0]:
        return "the server is a standby (it accepts no writes)"
    if row[1] == "on":
        return "the server's default_transaction_read_only is on"
    privileges = conn.exec_driver_sql(_PRIVILEGES_SQL).all()
    if not privileges:
        return ""
    user = url.username or "you"
    if not any(readable for _, readable, _ in privileges):
        raise OpenError(
            f"{redact(url)}: role {user!r} may not read any table here; ask for "
            "GRANT SELECT ON ALL TABLES IN SCHEMA public"
        )
    if not any(writable for _, _, writable in privileges):
        return f"role {user!r} may only read these tables (it has SELECT only)"
    return ""


def _probe(url: URL, *, read_only: bool) -> str:
    """Connect once: the read-only reason; OpenError with one line when it cannot."""
    engine = _make_engine(url)
    try:
        with engine.connect() as conn:
            return _access(conn, url, read_only)
    except sa.exc.OperationalError as exc:
        raise OpenError(explain_connect_error(str(exc.orig or exc), url)) from exc
    except sa.exc.DBAPIError as exc:
        raise OpenError(explain_connect_error(str(exc.orig or exc), url)) from exc
    finally:
        engine.dispose()


def open_postgres(target: str, *, read_only: bool = False) -> PostgresEngine:
    """Open an existing database by its URL, read-write when the role may write."""
    url = _checked_url(target)
    reason = _probe(url, read_only=read_only)
    why = f" read-only: {reason}" if reason else " read-write"
    log.info("opened %s%s", redact(url), why)
    return PostgresEngine(url, read_only_reason=reason)


def create_postgres(target: str, ddl: str) -> PostgresEngine:
    """Run `ddl` (a PostgreSQL script) in an existing, empty database; refuse one with
    tables. The database itself is made with `createdb` (or CREATE DATABASE) beforehand."""
    url = _checked_url(target)
    _probe(url, read_only=True)
    engine = PostgresEngine(url)
    try:
        existing = engine.table_names()
        if existing:
            raise OpenError(
                f"{engine.label}: already holds {len(existing)} tables; init only fills an "
                "empty database, so nothing was changed"
            )
        try:
            engine.execute_script(ddl)
        except sa.exc.DBAPIError as exc:
            message = scrub(str(exc.orig or exc), url).splitlines()[0]
            if _sqlstate(exc) == _NO_PRIVILEGE:
                raise OpenError(
                    f"{engine.label}: role {url.username or ''!r} may not create tables here "
                    f"({message})"
                ) from exc
            raise OpenError(f"{engine.label}: the schema could not be made ({message})") from exc
    except BaseException:
        engine.dispose()
        raise
    return engine


def change_notices(target: str, *, install: bool) -> str:
    """Install or remove the LISTEN/NOTIFY triggers (push_triggers.py); what was done, in words."""
    engine = PostgresEngine(_checked_url(target))
    try:
        with engine.connect() as conn, conn.begin():
            tables = push_triggers.install(conn) if install else push_triggers.remove(conn)
    except sa.exc.DBAPIError as exc:
        message = scrub(str(exc.orig or exc), engine.url).splitlines()[0]
        raise OpenError(
            f"{engine.label}: the notify triggers could not be changed ({message})"
        ) from exc
    finally:
        engine.dispose()
    if install:
        return (
            f"{engine.label}: installed the function {push_triggers.FUNCTION}() and a trigger "
            f"{push_triggers.TRIGGER} on {len(tables)} tables ({', '.join(tables)}); each commit "
            f"that writes them now sends NOTIFY {push_triggers.CHANNEL}. "
            "Remove them with `ringmaster-tui push-triggers remove URL`."
        )
    return (
        f"{engine.label}: removed the trigger {push_triggers.TRIGGER} from {len(tables)} tables "
        f"and the function {push_triggers.FUNCTION}(); the dashboard polls again."
    )


def _checked_url(target: str) -> URL:
    try:
        url = parse_url(target)
    except sa.exc.ArgumentError as exc:
        raise OpenError(f"cannot read the database URL ({exc})") from exc
    return url

"""Looking after a PostgreSQL database: a backup by pg_dump, and a health check.

The server keeps its own files sound (WAL, checksums), so `check` reports what the
dashboard can know cheaply: constraints left unvalidated, rows per table, and what
differs from the schema the source expects. A backup is pg_dump's job: it is run when
installed (the password passed through its environment, never its command line), and
otherwise the user is told the command to run.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, Connection

from ringmaster_tui.engines.base import BackupResult, HealthReport, backup_partial_path
from ringmaster_tui.engines.errors import OpenError
from ringmaster_tui.engines.postgres.connect import redact, scrub
from ringmaster_tui.engines.postgres.ddl import expected_schema

BACKUP_TIMEOUT_SECONDS = 3600
PAGE_BYTES = 8192


def find_tool(name: str) -> str | None:
    """A PostgreSQL client program on PATH, else the newest in Debian's server folders."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def backup(url: URL, destination: Path, *, force: bool = False) -> BackupResult:
    """pg_dump's custom-format archive at `destination`, checked by pg_restore --list."""
    label = redact(url)
    pg_dump = find_tool("pg_dump")
    if pg_dump is None:
        raise OpenError(
            f"{label}: a PostgreSQL database is backed up with pg_dump, which is not "
            f"installed here; run `pg_dump --format=custom --file={destination} '{label}'` "
            "where it is (apt-get install postgresql-client)"
        )
    partial = backup_partial_path(destination, force=force)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    done = subprocess.run(
        [pg_dump, "--format=custom", f"--file={partial}", f"--dbname={label}"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=BACKUP_TIMEOUT_SECONDS,
    )
    if done.returncode:
        partial.unlink(missing_ok=True)
        reason = scrub(done.stderr.strip(), url).splitlines()
        raise OpenError(f"{label}: pg_dump failed ({reason[0] if reason else done.returncode})")
    integrity = _listable(partial)
    partial.replace(destination)
    pages = -(-destination.stat().st_size // PAGE_BYTES)
    return BackupResult(destination=destination, pages=pages, integrity=integrity)


def _listable(archive: Path) -> str:
    """ "ok" when pg_restore can read the archive's table of contents."""
    pg_restore = find_tool("pg_restore")
    if pg_restore is None:
        return "ok"  # pg_dump finished without an error; nothing more can check it here
    done = subprocess.run(
        [pg_restore, "--list", str(archive)],
        capture_output=True,
        text=True,
        check=False,
        timeout=BACKUP_TIMEOUT_SECONDS,
    )
    if done.returncode:
        return f"pg_restore cannot read the archive: {done.stderr.strip()[:200]}"
    return "ok"


_COLUMNS_SQL = (
    "SELECT c.relname, a.attname FROM pg_class AS c "
    "JOIN pg_attribute AS a ON a.attrelid = c.oid "
    "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') "
    "AND a.attnum > 0 AND NOT a.attisdropped"
)
_INDEXES_SQL = (
    "SELECT i.relname FROM pg_index AS x JOIN pg_class AS i ON i.oid = x.indexrelid "
    "WHERE i.relnamespace = current_schema()::regnamespace "
    "AND NOT x.indisprimary AND NOT EXISTS "
    "(SELECT 1 FROM pg_constraint AS k WHERE k.conindid = x.indexrelid)"
)
_UNVALIDATED_SQL = (
    "SELECT t.relname, k.conname FROM pg_constraint AS k JOIN pg_class AS t "
    "ON t.oid = k.conrelid WHERE t.relnamespace = current_schema()::regnamespace "
    "AND NOT k.convalidated"
)


def _difference(
    have: dict[str, set[str]],
    have_indexes: set[str],
    lack: dict[str, set[str]],
    lack_indexes: set[str],
) -> list[str]:
    found = [f"table {t}" for t in sorted(set(have) - set(lack))]
    found += [
        f"column {table}.{column}"
        for table in sorted(set(have) & set(lack))
        for column in sorted(have[table] - lack[table])
    ]
    found += [f"index {i}" for i in sorted(have_indexes - lack_indexes)]
    return found


def check(conn: Connection, expected_ddl: str) -> HealthReport:
    """The database's health as one read transaction sees it."""
    actual: dict[str, set[str]] = {}
    for table, column in conn.exec_driver_sql(_COLUMNS_SQL):
        actual.setdefault(table, set()).add(column)
    indexes = {row[0] for row in conn.exec_driver_sql(_INDEXES_SQL)}
    problems = [
        f"{table}: constraint {name} is NOT VALID (rows may break it)"
        for table, name in conn.exec_driver_sql(_UNVALIDATED_SQL)
    ]
    counts = {
        table: int(conn.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar_one())
        for table in sorted(actual)
    }
    expected = expected_schema(expected_ddl)
    wanted = {table: set(columns) for table, columns in expected.tables.items()}
    return HealthReport(
        integrity=["ok"],
        foreign_key_problems=problems,
        wal_bytes=0,
        row_counts=counts,
        missing=_difference(wanted, expected.indexes, actual, indexes),
        extra=_difference(actual, indexes, wanted, expected.indexes),
    )

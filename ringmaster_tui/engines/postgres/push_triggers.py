"""Optional push of changes: LISTEN/NOTIFY triggers the user installs on purpose.

By default the dashboard changes nothing in the orchestrator's database and polls the
server's snapshot (feed.py). `ringmaster-tui push-triggers install URL` adds, to every table of
the current schema, one statement-level trigger that calls pg_notify on CHANNEL after
each INSERT, UPDATE or DELETE, plus the one function they share; a change feed that finds
the function LISTENs and wakes at once on a commit (NOTIFY is delivered at commit), and
keeps polling as a safety net. `push-triggers remove URL` drops exactly what install made.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

CHANNEL = "ringmaster_tui_changes"
FUNCTION = "ringmaster_tui_notify"
TRIGGER = "ringmaster_tui_notify"

_TABLES_SQL = (
    "SELECT c.relname FROM pg_class AS c "
    "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') "
    "ORDER BY c.relname"
)
_INSTALLED_SQL = (
    "SELECT 1 FROM pg_proc WHERE proname = :name AND pronamespace = current_schema()::regnamespace"
)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def installed(conn: Connection) -> bool:
    """Whether the notify function is in the current schema."""
    return conn.execute(sa.text(_INSTALLED_SQL), {"name": FUNCTION}).first() is not None


def install(conn: Connection) -> list[str]:
    """The function and one trigger per table, in the caller's transaction; the tables."""
    tables = [row[0] for row in conn.exec_driver_sql(_TABLES_SQL)]
    conn.exec_driver_sql(
        f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $fn$ "
        f"BEGIN PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME); RETURN NULL; END $fn$"
    )
    for table in tables:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {_quoted(table)}")
        conn.exec_driver_sql(
            f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {_quoted(table)} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
        )
    return tables


def remove(conn: Connection) -> list[str]:
    """Drop the triggers and the function install made; the tables it was removed from."""
    rows = conn.exec_driver_sql(
        "SELECT c.relname FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid "
        f"WHERE t.tgname = '{TRIGGER}' AND c.relnamespace = current_schema()::regnamespace "
        "ORDER BY c.relname"
    )
    tables = [row[0] for row in rows]
    for table in tables:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {_quoted(table)}")
    conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    return tables

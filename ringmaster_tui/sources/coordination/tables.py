"""The coordination schema's tables for SQLAlchemy Core, read from the DDL itself (one
definition: the statements cannot drift from the schema `init` makes)."""

from __future__ import annotations

import sqlalchemy as sa

from ringmaster_tui.sources.coordination.schema import schema_sql


def _reflect() -> dict[str, sa.Table]:
    engine = sa.create_engine("sqlite://")
    try:
        with engine.begin() as conn:
            conn.connection.driver_connection.executescript(schema_sql())  # type: ignore[union-attr]
        metadata = sa.MetaData()
        metadata.reflect(engine)
    finally:
        engine.dispose()
    return dict(metadata.tables)


TABLES: dict[str, sa.Table] = _reflect()

loops = TABLES["loops"]
tests = TABLES["tests"]
events = TABLES["events"]
file_locks = TABLES["file_locks"]
wait_graph = TABLES["wait_graph"]
change_requests = TABLES["change_requests"]
checkpoints = TABLES["checkpoints"]
passing_tests = TABLES["passing_tests"]
decisions = TABLES["decisions"]
usage = TABLES["usage"]
component_health = TABLES["component_health"]
alerts = TABLES["alerts"]
transaction_log = TABLES["transaction_log"]

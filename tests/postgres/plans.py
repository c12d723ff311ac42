"""EXPLAIN on PostgreSQL for the query-plan tests: the SELECT statements a source runs are
captured with their parameters, a generated database is filled and vacuumed as a server's
autovacuum keeps it, and each statement's plan is searched for sequential scans of large
tables. Which tables are large, and from how many rows, is each source's own, passed in."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any

from ringmaster_tui.domain.snapshot import BoardQuery, Snapshot
from ringmaster_tui.sources.base import Source, SourceKind
from ringmaster_tui.sources.registry import open_source
from tests.builders import NOW
from tests.postgres.cluster import Cluster
from tests.postgres.compare import source_database
from tests.postgres.data import pg_engine, vacuum_until_all_visible
from tests.sources.plans import Statement, selects_run_on

TABLE_SIZES = "SELECT relname, reltuples FROM pg_class WHERE relkind = 'r'"


def captured_selects(source: Source, run: Callable[[], object]) -> list[Statement]:
    """The SELECT (and WITH) statements, with their parameters, that `run` has the source's
    engine execute."""
    return selects_run_on(source.engine.engine, run)  # type: ignore[attr-defined]


def plan_steps(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every node of a JSON plan, the node itself first."""
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_steps(child)


def one_line(statement: str) -> str:
    return " ".join(statement.split())


def table_sizes(url: str) -> dict[str, int]:
    """Each table's row count as the planner knows it (reltuples)."""
    engine = pg_engine(url)
    try:
        with engine.connect() as conn:
            return {name: int(count) for name, count in conn.exec_driver_sql(TABLE_SIZES)}
    finally:
        engine.dispose()


def generated_database(
    cluster: Cluster, prefix: str, kind: SourceKind, bulk_sql: str, *settings: str
) -> str:
    """The URL of a new database made by `init` for the kind and filled by `bulk_sql`
    (see fill_and_analyze)."""
    url = source_database(cluster, prefix, kind)
    fill_and_analyze(url, bulk_sql, *settings)
    return url


def fill_and_analyze(url: str, bulk_sql: str, *settings: str) -> None:
    """Run the `;`-separated bulk statements in one transaction after the SET LOCAL
    `settings`, then vacuum (analyzed) until every table is all-visible."""
    engine = pg_engine(url)
    try:
        with engine.begin() as conn:
            raw: Any = conn.connection.dbapi_connection
            with raw.cursor() as cursor:
                # Flushed at commit (the test server commits asynchronously), so that
                # the first VACUUM can already mark the pages all-visible.
                for setting in ("synchronous_commit = on", *settings):
                    cursor.execute(f"SET LOCAL {setting}")
                for statement in bulk_sql.split(";"):
                    if statement.strip():
                        cursor.execute(statement)
    finally:
        engine.dispose()
    vacuum_until_all_visible(url)


def large_seq_scans(
    url: str,
    statements: Iterable[Statement],
    *,
    large_rows: int,
    large_tables: Collection[str] | None = None,
    dropping: tuple[str, ...] = (),
) -> list[tuple[str, str]]:
    """(table, statement on one line) for each sequential scan, in the statements' plans,
    of a table of at least `large_rows` rows (and among `large_tables` when given); with
    the indexes `dropping` dropped meanwhile, inside a transaction rolled back after."""
    engine = pg_engine(url)
    found: list[tuple[str, str]] = []
    try:
        with engine.connect() as conn:
            sizes = {name: int(count) for name, count in conn.exec_driver_sql(TABLE_SIZES)}
            raw: Any = conn.connection.dbapi_connection
            with raw.cursor() as cursor:
                for index in dropping:
                    cursor.execute(f"DROP INDEX {index}")
                for statement, parameters in statements:
                    cursor.execute(f"EXPLAIN (FORMAT JSON) {statement}", parameters)
                    document = cursor.fetchone()[0]
                    plan = (json.loads(document) if isinstance(document, str) else document)[0]
                    for step in plan_steps(plan["Plan"]):
                        table = step.get("Relation Name", "")
                        if (
                            step["Node Type"] == "Seq Scan"
                            and (large_tables is None or table in large_tables)
                            and sizes.get(table, 0) >= large_rows
                        ):
                            found.append((table, one_line(statement)))
            conn.rollback()
    finally:
        engine.dispose()
    return found


def described(scans: Iterable[tuple[str, str]]) -> list[str]:
    """The scans as messages a failing assertion shows: the table, then the statement."""
    return [f"Seq Scan on {table}\n    in {statement[:400]}" for table, statement in scans]


def lane_counts_and_counting(url: str, table: str) -> tuple[dict[str, int], str]:
    """The board's count per lane, and the text of the statements that counted `table`'s
    rows for it."""
    source = open_source(url, user="tester")
    snapshots: list[Snapshot] = []

    def read() -> None:
        snapshots.append(source.snapshot(BoardQuery(), NOW))

    try:
        statements = captured_selects(source, read)  # the one read, its statements seen
    finally:
        source.close()
    (snapshot,) = snapshots
    counting = [s for s, _ in statements if "count(" in s and f"FROM {table}" in s]
    return {lane.name: lane.count for lane in snapshot.lanes}, " ".join(counting)


def rewrite_every_row(url: str, table: str, column: str) -> None:
    """Every row of `table` written again (`column` set to itself) and the table analyzed:
    its pages are then no longer all-visible, as after a busy spell before autovacuum."""
    engine = pg_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f"UPDATE {table} SET {column} = {column}")
            conn.exec_driver_sql(f"ANALYZE {table}")
            visible, pages = conn.exec_driver_sql(
                "SELECT relallvisible, relpages FROM pg_class WHERE relname = %(t)s",
                {"t": table},
            ).one()
    finally:
        engine.dispose()
    assert visible * 2 <= pages, (visible, pages)

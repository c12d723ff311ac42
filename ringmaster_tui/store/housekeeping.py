"""Looking after the database: online backup, retention (prune) and health checks.

Seed 000's "Data Retention" and "Backup and Recovery" sections, done safely: backups with
SQLite's online backup API while loops keep writing, retention in one write transaction
(archiving through the same compare-and-set as every other move), checks read-only.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.domain import states as sm
from ringmaster_tui.domain.timefmt import sqlite_timestamp
from ringmaster_tui.store.engine import Database, OpenError
from ringmaster_tui.store.ringmaster.models import TABLES
from ringmaster_tui.store.ringmaster.transitions import move_card
from ringmaster_tui.store.schema import schema_sql

BACKUP_PAGES_PER_STEP = 256
RETENTION_ACTOR = {"by": "retention"}

# --- backup ---


@dataclass(frozen=True)
class BackupResult:
    destination: Path
    pages: int
    integrity: str


def backup(database: Database, destination: Path, *, force: bool = False) -> BackupResult:
    """A consistent copy of the database, taken in steps so writers are never held up long."""
    if destination.exists() and not force:
        raise OpenError(f"{destination}: already exists; add --force to overwrite it")
    if not destination.parent.is_dir():
        raise OpenError(f"{destination}: the folder {destination.parent} does not exist")
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    source = database.read_connection()
    target = sqlite3.connect(partial)
    try:
        source.backup(target, pages=BACKUP_PAGES_PER_STEP)
        pages = int(target.execute("PRAGMA page_count").fetchone()[0])
        integrity = str(target.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        target.close()
        source.close()
    # Only a finished, checked copy takes the destination's name.
    partial.replace(destination)
    return BackupResult(destination=destination, pages=pages, integrity=integrity)


# --- retention ---


@dataclass(frozen=True)
class RetentionPolicy:
    archive_after_days: int = 30
    keep_snapshots: int = 10
    metrics_days: int = 7
    heartbeat_minutes: int = 5


@dataclass
class RetentionPlan:
    """What a prune run would do (or did), row ids by kind."""

    archive_cards: list[str] = field(default_factory=list)
    delete_snapshots: list[str] = field(default_factory=list)
    delete_metrics: list[str] = field(default_factory=list)
    delete_subscriptions: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "cards to archive": len(self.archive_cards),
            "loop snapshots to delete": len(self.delete_snapshots),
            "prompt metrics to delete": len(self.delete_metrics),
            "stale websocket subscriptions to delete": len(self.delete_subscriptions),
        }


def plan_retention(conn: Connection, policy: RetentionPolicy, now: datetime) -> RetentionPlan:
    cards = TABLES["cards"]
    snapshots = TABLES["loop_snapshots"]
    metrics = TABLES["prompt_metrics"]
    subscriptions = TABLES["websocket_subscriptions"]
    archive_before = sqlite_timestamp(now - timedelta(days=policy.archive_after_days))
    # Per card, newest iterations first: the seed's NOT IN (... LIMIT 10) query keeps
    # ten rows overall, not ten per card.
    newest_first = (
        sa.func.row_number()
        .over(partition_by=snapshots.c.card_id, order_by=snapshots.c.iteration.desc())
        .label("rank")
    )
    ranked = sa.select(snapshots.c.id, newest_first).subquery()
    return RetentionPlan(
        archive_cards=_ids(
            conn,
            sa.select(cards.c.id).where(
                cards.c.state == sm.COMPLETED, cards.c.updated_at < archive_before
            ),
        ),
        delete_snapshots=_ids(
            conn, sa.select(ranked.c.id).where(ranked.c.rank > policy.keep_snapshots)
        ),
        delete_metrics=_ids(
            conn,
            sa.select(metrics.c.id).where(
                metrics.c.created_at < sqlite_timestamp(now - timedelta(days=policy.metrics_days))
            ),
        ),
        delete_subscriptions=_ids(
            conn,
            sa.select(subscriptions.c.id).where(
                subscriptions.c.last_heartbeat
                < sqlite_timestamp(now - timedelta(minutes=policy.heartbeat_minutes))
            ),
        ),
    )


def _ids(conn: Connection, query: sa.Select[tuple[str]]) -> list[str]:
    return sorted(str(i) for i in conn.execute(query).scalars())


def apply_retention(database: Database, policy: RetentionPolicy, now: datetime) -> RetentionPlan:
    """Plan and carry out the retention policy in one write transaction."""

    def work(conn: Connection) -> RetentionPlan:
        plan = plan_retention(conn, policy, now)
        plan.archive_cards = [
            card_id
            for card_id in plan.archive_cards
            if move_card(conn, card_id, sm.COMPLETED, sm.ARCHIVED, "archive", RETENTION_ACTOR)
        ]
        for table, ids in (
            ("loop_snapshots", plan.delete_snapshots),
            ("prompt_metrics", plan.delete_metrics),
            ("websocket_subscriptions", plan.delete_subscriptions),
        ):
            for chunk in _chunks(ids):
                conn.execute(sa.delete(TABLES[table]).where(TABLES[table].c.id.in_(chunk)))
        return plan

    return database.write_with_retry(work)


def _chunks(ids: list[str], size: int = 500) -> list[list[str]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


# --- check ---


@dataclass
class HealthReport:
    integrity: list[str]
    foreign_key_problems: list[str]
    wal_bytes: int
    row_counts: dict[str, int]
    missing: list[str]
    extra: list[str]

    @property
    def healthy(self) -> bool:
        return self.integrity == ["ok"] and not self.foreign_key_problems and not self.missing


def _schema_of(conn: sqlite3.Connection) -> dict[str, set[str]]:
    """Tables with their columns, and indexes, as 'table', 'table.column', 'index NAME'."""
    found: dict[str, set[str]] = {"tables": set(), "columns": set(), "indexes": set()}
    for (table,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ):
        found["tables"].add(table)
        for row in conn.execute(f'PRAGMA table_info("{table}")'):
            found["columns"].add(f"{table}.{row[1]}")
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ):
        found["indexes"].add(name)
    return found


def _expected_schema() -> dict[str, set[str]]:
    reference = sqlite3.connect(":memory:")
    reference.executescript(schema_sql())
    try:
        return _schema_of(reference)
    finally:
        reference.close()


def _difference(have: dict[str, set[str]], lack: dict[str, set[str]]) -> list[str]:
    """What `have` holds that `lack` does not; a whole absent table is one line, not many."""
    found = [f"table {t}" for t in sorted(have["tables"] - lack["tables"])]
    found += [
        f"column {c}"
        for c in sorted(have["columns"] - lack["columns"])
        if c.split(".")[0] in lack["tables"]
    ]
    found += [f"index {i}" for i in sorted(have["indexes"] - lack["indexes"])]
    return found


def check(database: Database) -> HealthReport:
    conn = database.read_connection()
    try:
        integrity = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
        problems = [
            f"{table} row {rowid} points to a missing {parent} row"
            for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")
        ]
        actual = _schema_of(conn)
        counts = {
            table: int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
            for table in sorted(actual["tables"])
        }
    finally:
        conn.close()
    expected = _expected_schema()
    missing = _difference(expected, actual)
    extra = _difference(actual, expected)
    wal = database.path.with_name(database.path.name + "-wal")
    return HealthReport(
        integrity=integrity,
        foreign_key_problems=problems,
        wal_bytes=wal.stat().st_size if wal.exists() else 0,
        row_counts=counts,
        missing=missing,
        extra=extra,
    )

"""Ringmaster's retention policy (seed 000's "Data Retention"), in one write transaction:
completed cards idle too long are archived through the same compare-and-set as every
other move, old loop snapshots, prompt metrics and silent subscriptions are deleted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.domain.timefmt import sqlite_timestamp
from ringmaster_tui.engines.base import Engine
from ringmaster_tui.sources.retention_policy import RetentionPolicy
from ringmaster_tui.sources.ringmaster import workflow as sm
from ringmaster_tui.sources.ringmaster.models import TABLES
from ringmaster_tui.sources.ringmaster.transitions import move_card

RETENTION_ACTOR = {"by": "retention"}


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


def apply_retention(database: Engine, policy: RetentionPolicy, now: datetime) -> RetentionPlan:
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

"""Each shown episode's steps summed up in one statement: how many, how many succeeded,
when the last one was written. Read for the episodes on screen only (by their ids)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ringmaster_tui.domain.values import to_moment
from ringmaster_tui.sources.episodes.read.context import ReadContext
from ringmaster_tui.sources.episodes.schema import steps
from ringmaster_tui.sources.episodes.workflow import is_stalled


@dataclass(frozen=True)
class StepStats:
    count: int = 0
    succeeded: int = 0
    judged: int = 0
    """Steps whose success is known (not NULL)."""
    last_at: datetime | None = None

    @property
    def success_share(self) -> float | None:
        """Successful steps as a share of those judged; None before any."""
        return self.succeeded / self.judged if self.judged else None


NO_STEPS = StepStats()


def step_stats(ctx: ReadContext, episode_ids: Collection[str]) -> dict[str, StepStats]:
    if not episode_ids:
        return {}
    ok = sa.case((steps.c.success == sa.true(), 1), else_=0)
    statement = (
        sa.select(
            steps.c.episode_id,
            sa.func.count(),
            sa.func.sum(ok),
            sa.func.count(steps.c.success),
            sa.func.max(steps.c.timestamp),
        )
        .where(steps.c.episode_id.in_(list(episode_ids)))
        .group_by(steps.c.episode_id)
    )
    return {
        episode_id: StepStats(int(n), int(good or 0), int(judged), to_moment(last))
        for episode_id, n, good, judged, last in ctx.rows(statement)
    }


def last_activity(stats: StepStats, created_at: datetime | None) -> datetime | None:
    """When the episode last showed life: its last step, or its start before any."""
    return stats.last_at or created_at


def stalled(status: str, stats: StepStats, created_at: datetime | None, now: datetime) -> bool:
    return status == "active" and is_stalled(last_activity(stats, created_at), now)

"""The picker's groups: each project (all its features), then each of its features with
its progress as the feature row says it and as its stories do, marked where they differ."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ringmaster_tui.domain.snapshot import Project
from ringmaster_tui.sources.ralph.models import features, projects, stories
from ringmaster_tui.sources.ralph.read.context import Reading
from ringmaster_tui.sources.ralph.read.scope import feature_group, project_group
from ringmaster_tui.sources.ralph.workflow import DONE

# Said after a feature whose own counters disagree with its stories.
DISAGREE_MARK = "≠"


@dataclass(frozen=True)
class FeatureProgress:
    feature_id: int
    recorded_done: int | None
    recorded_total: int | None
    done: int
    total: int

    @property
    def disagrees(self) -> bool:
        return (self.recorded_done, self.recorded_total) != (self.done, self.total)

    def label(self) -> str:
        recorded = f"{_n(self.recorded_done)}/{_n(self.recorded_total)}"
        if not self.disagrees:
            return recorded
        return f"{recorded} {DISAGREE_MARK} stories {self.done}/{self.total}"


def _n(value: int | None) -> str:
    return "?" if value is None else str(value)


def story_counts(
    reading: Reading, feature_ids: list[int] | None = None
) -> dict[int, tuple[int, int]]:
    """(done, total) stories per feature (of `feature_ids`, or all), from the (feature,
    status) index alone."""
    statement = sa.select(
        stories.c.feature_id, stories.c.status, sa.func.count().label("count")
    ).group_by(stories.c.feature_id, stories.c.status)
    if feature_ids is not None:
        statement = statement.where(stories.c.feature_id.in_(feature_ids))
    rows = reading.rows(statement)
    counts: dict[int, tuple[int, int]] = {}
    for row in rows:
        feature_id, status, number = row.feature_id, row.status, int(row.count)
        done, total = counts.get(feature_id, (0, 0))
        counts[feature_id] = (done + (number if status == DONE else 0), total + number)
    return counts


def read_groups(reading: Reading) -> tuple[Project, ...]:
    names: dict[int, str] = {}
    if reading.has(projects):
        names = {
            row.id: row.name or f"project {row.id}"
            for row in reading.run(sa.select(projects.c.id, projects.c.name))
        }
    counts = story_counts(reading)
    rows = reading.run(
        sa.select(
            features.c.id,
            features.c.project_id,
            features.c.name,
            features.c.completed_stories,
            features.c.total_stories,
        ).order_by(features.c.project_id, features.c.id)
    ).all()
    groups: list[Project] = []
    last_project: object = object()
    for row in rows:
        project_name = names.get(row.project_id, f"project {row.project_id}")
        if row.project_id != last_project:
            groups.append(Project(id=project_group(row.project_id), name=f"{project_name} (all)"))
            last_project = row.project_id
        done, total = counts.get(row.id, (0, 0))
        progress = FeatureProgress(row.id, row.completed_stories, row.total_stories, done, total)
        groups.append(
            Project(
                id=feature_group(row.id),
                name=f"{project_name} / {row.name} · {progress.label()}",
            )
        )
    return tuple(groups)

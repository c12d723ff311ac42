"""The picker's groups: each project (all its features), then each of its features with
its progress as the feature row says it and as its stories do, marked where they differ."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ringmaster_tui.domain.snapshot import Project
from ringmaster_tui.sources.ralph.models import features, projects, stories
from ringmaster_tui.sources.ralph.read.context import Reading
from ringmaster_tui.sources.ralph.read.scope import feature_group, project_group
from ringmaster_tui.sources.ralph.workflow import DONE

PICKER_FEATURES = 300
FEATURE_COMPLETED = "completed"
# Listed first; a feature in a status Ralph does not write is found by the text filter.
FEATURE_UNFINISHED = ("pending", "in_progress", "failed")
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


def story_counts(reading: Reading, feature_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(done, total) stories of each of `feature_ids`, from the (feature, status) index."""
    if not feature_ids:
        return {}
    done = sa.func.sum(sa.case((stories.c.status == DONE, 1), else_=0))
    rows = reading.rows(
        sa.select(stories.c.feature_id, done.label("done"), sa.func.count().label("total"))
        .where(stories.c.feature_id.in_(feature_ids))
        .group_by(stories.c.feature_id)
    )
    return {row.feature_id: (int(row.done or 0), int(row.total)) for row in rows}


def _listed_features(reading: Reading) -> list[Any]:
    """The features the picker lists: every unfinished one, then the latest finished
    ones, PICKER_FEATURES in all (a picker of thousands helps nobody; `/` finds the rest)."""
    columns = (
        features.c.id,
        features.c.project_id,
        features.c.name,
        features.c.completed_stories,
        features.c.total_stories,
    )
    finished = features.c.status == FEATURE_COMPLETED
    unfinished = sa.or_(features.c.status.in_(FEATURE_UNFINISHED), features.c.status.is_(None))
    open_ones = reading.rows(
        sa.select(*columns).where(unfinished).order_by(features.c.id).limit(PICKER_FEATURES)
    )
    room = PICKER_FEATURES - len(open_ones)
    done_ones = (
        reading.rows(sa.select(*columns).where(finished).order_by(features.c.id.desc()).limit(room))
        if room > 0
        else []
    )
    return sorted([*open_ones, *done_ones], key=lambda row: (row.project_id, row.id))


def read_groups(reading: Reading) -> tuple[Project, ...]:
    names: dict[int, str] = {}
    if reading.has(projects):
        names = {
            row.id: row.name or f"project {row.id}"
            for row in reading.run(sa.select(projects.c.id, projects.c.name))
        }
    rows = _listed_features(reading)
    counts = story_counts(reading, [row.id for row in rows])
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

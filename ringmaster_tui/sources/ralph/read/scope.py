"""Which stories the board shows: the picker's group (a project or a feature) and the
text filter, as conditions on `stories` that every engine runs."""

from __future__ import annotations

import sqlalchemy as sa

from ringmaster_tui.sources.ralph.models import features, stories
from ringmaster_tui.sources.ralph.read.context import contains

PROJECT_PREFIX = "project:"
FEATURE_PREFIX = "feature:"


def project_group(project_id: object) -> str:
    return f"{PROJECT_PREFIX}{project_id}"


def feature_group(feature_id: object) -> str:
    return f"{FEATURE_PREFIX}{feature_id}"


def _number(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def group_condition(group: str | None) -> sa.ColumnElement[bool] | None:
    """Stories of the picked group; None for every story. An id of no known shape (a
    picker entry from an older snapshot) matches nothing rather than everything."""
    if group is None:
        return None
    if group.startswith(FEATURE_PREFIX):
        feature = _number(group.removeprefix(FEATURE_PREFIX))
        return sa.false() if feature is None else stories.c.feature_id == feature
    if group.startswith(PROJECT_PREFIX):
        project = _number(group.removeprefix(PROJECT_PREFIX))
        if project is None:
            return sa.false()
        of_project = sa.select(features.c.id).where(features.c.project_id == project)
        return stories.c.feature_id.in_(of_project.scalar_subquery())
    return sa.false()


def text_condition(text: str) -> sa.ColumnElement[bool] | None:
    """Stories whose title, story id, agent or repo holds `text` (any case)."""
    text = text.strip()
    if not text:
        return None
    return contains(
        text, stories.c.title, stories.c.story_id, stories.c.assigned_agent, stories.c.repo
    )


def story_conditions(group: str | None, text: str) -> list[sa.ColumnElement[bool]]:
    conditions = (group_condition(group), text_condition(text))
    return [c for c in conditions if c is not None]

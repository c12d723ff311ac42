"""The loops view: each project that is running or paused, with its features in progress
and its agent executions still running (how long each has run), as one table. A
project's row carries its status for the pause and resume keys' compare-and-set."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.domain.values import to_moment
from ringmaster_tui.domain.views import (
    Column,
    Fact,
    FactKind,
    TableData,
    TableRow,
    number_fact,
    text_fact,
)
from ringmaster_tui.domain.workflow import Tone
from ringmaster_tui.engines.sql import ascending, byte_order
from ringmaster_tui.sources.ralph.models import agent_executions, features, projects, stories
from ringmaster_tui.sources.ralph.read.context import Reading, contains, cut
from ringmaster_tui.sources.ralph.read.groups import story_counts
from ringmaster_tui.sources.ralph.workflow import IN_PROGRESS, PROJECT_PAUSED, PROJECT_RUNNING

VIEW = "loops"
PROJECT_ROW = "project:"
FEATURE_ROW = "feature:"
EXECUTION_ROW = "execution:"
# `seen` of the rows no project control applies to.
FEATURE_SEEN = "feature"
EXECUTION_SEEN = "execution"
PROJECTS_SHOWN = 100
# A project's row counts all its features in progress; this many are listed under it.
FEATURES_SHOWN_PER_PROJECT = 10
RUNS_SHOWN = 200

COLUMNS = (
    Column("name", "Project · feature · agent run", 24, flex=True),
    Column("status", "Status", 11),
    Column("features", "Feat", 5, drop=4),
    Column("progress", "Done", 7, drop=2),
    Column("stories", "In prog", 7, drop=1),
    Column("runs", "Runs", 5, drop=3),
    Column("time", "Running", 8),
)


def seconds_since(started: object, now: datetime) -> float | None:
    moment = to_moment(started)
    return None if moment is None else max(0.0, (now - moment).total_seconds())


def read_loops(reading: Reading, query: BoardQuery) -> TableData:
    if not reading.has(projects):
        return TableData(
            columns=COLUMNS, rows=(), total=0, missing="This database has no projects table."
        )
    where: list[sa.ColumnElement[bool]] = [projects.c.status.in_((PROJECT_RUNNING, PROJECT_PAUSED))]
    text = query.text_of(VIEW).strip()
    if text:
        where.append(contains(text, projects.c.name))
    total = reading.scalar(
        sa.select(sa.func.count().label("count")).select_from(projects).where(*where)
    )
    shown = list(
        reading.run(
            sa.select(projects.c.id, projects.c.name, projects.c.status)
            .where(*where)
            .order_by(projects.c.status.desc(), byte_order(projects.c.name), projects.c.id)
            .limit(PROJECTS_SHOWN)
        )
    )
    ids = [row.id for row in shown]
    feature_rows = _features(reading, ids)
    runs = _runs(reading, ids)
    in_progress = _stories_in_progress(reading, ids)
    features_of: dict[int, list[Any]] = {}
    for feature in feature_rows:
        features_of.setdefault(feature.project_id, []).append(feature)
    listed = [f.id for fs in features_of.values() for f in fs[:FEATURES_SHOWN_PER_PROJECT]]
    counts = story_counts(reading, listed)
    rows: list[TableRow] = []
    for project in shown:
        own_features = features_of.get(project.id, [])
        own_runs = [r for r in runs if r.project_id == project.id]
        rows.append(_project_row(project, own_features, own_runs, in_progress, reading.now))
        for feature in own_features[:FEATURES_SHOWN_PER_PROJECT]:
            rows.append(_feature_row(feature, in_progress, counts))
        rows.extend(_run_row(run, reading.now) for run in own_runs)
    running = sum(1 for p in shown if p.status == PROJECT_RUNNING)
    summary = (
        f"row(s) · {total} project(s): {running} running, {len(shown) - running} paused · "
        f"{len(feature_rows)} feature(s) in progress · {len(runs)} agent run(s)"
    )
    return TableData(
        columns=COLUMNS,
        rows=tuple(rows),
        total=len(rows) + max(0, total - len(shown)),
        summary=summary,
        empty="No project is running or paused.",
    )


def _features(reading: Reading, project_ids: list[int]) -> list[Any]:
    if not project_ids:
        return []
    return list(
        reading.run(
            sa.select(
                features.c.id,
                features.c.project_id,
                features.c.name,
                features.c.branch_name,
                features.c.status,
            )
            .where(features.c.project_id.in_(project_ids), features.c.status == IN_PROGRESS)
            .order_by(features.c.project_id, features.c.id)
        )
    )


def _stories_in_progress(reading: Reading, project_ids: list[int]) -> dict[tuple[str, int], int]:
    """Stories in progress per ("feature", id) and per ("project", id)."""
    if not project_ids:
        return {}
    rows = reading.rows(
        sa.select(stories.c.feature_id, features.c.project_id, sa.func.count().label("count"))
        .join(features, features.c.id == stories.c.feature_id)
        .where(stories.c.status == IN_PROGRESS, features.c.project_id.in_(project_ids))
        .group_by(stories.c.feature_id, features.c.project_id)
    )
    found: dict[tuple[str, int], int] = {}
    for row in rows:
        feature_id, project_id, number = row.feature_id, row.project_id, row.count
        found[("feature", feature_id)] = int(number)
        found[("project", project_id)] = found.get(("project", project_id), 0) + int(number)
    return found


def _runs(reading: Reading, project_ids: list[int]) -> list[Any]:
    if not project_ids:
        return []
    return list(
        reading.run(
            sa.select(
                agent_executions.c.id,
                agent_executions.c.agent_name,
                agent_executions.c.started_at,
                agent_executions.c.status,
                stories.c.id.label("story_pk"),
                stories.c.story_id,
                stories.c.title,
                features.c.project_id,
            )
            .join(stories, stories.c.id == agent_executions.c.story_id)
            .join(features, features.c.id == stories.c.feature_id)
            .where(agent_executions.c.status == "running", features.c.project_id.in_(project_ids))
            .order_by(ascending(agent_executions.c.started_at), agent_executions.c.id)
            .limit(RUNS_SHOWN)
        )
    )


def _project_row(
    project: Any,
    own_features: list[Any],
    own_runs: list[Any],
    in_progress: dict[tuple[str, int], int],
    now: datetime,
) -> TableRow:
    longest = max((seconds_since(r.started_at, now) or 0.0 for r in own_runs), default=None)
    paused = project.status == PROJECT_PAUSED
    return TableRow(
        id=f"{PROJECT_ROW}{project.id}",
        seen=project.status,
        tone=Tone.WAITING if paused else Tone.ACTIVE,
        cells={
            "name": text_fact(cut(project.name) or f"project {project.id}"),
            "status": text_fact(project.status),
            "features": number_fact(FactKind.COUNT, len(own_features)),
            "stories": number_fact(FactKind.COUNT, in_progress.get(("project", project.id), 0)),
            "runs": number_fact(FactKind.COUNT, len(own_runs)),
            "time": number_fact(FactKind.DURATION, longest),
        },
    )


def _feature_row(
    feature: Any, in_progress: dict[tuple[str, int], int], counts: dict[int, tuple[int, int]]
) -> TableRow:
    done, total = counts.get(feature.id, (0, 0))
    branch = f" ({cut(feature.branch_name, 60)})" if feature.branch_name else ""
    return TableRow(
        id=f"{FEATURE_ROW}{feature.id}",
        seen=FEATURE_SEEN,
        cells={
            "name": text_fact(f"  {cut(feature.name, 120)}{branch}"),
            "status": text_fact(feature.status, Tone.ACTIVE),
            "progress": Fact(kind=FactKind.PROGRESS, number=done, total=total),
            "stories": number_fact(FactKind.COUNT, in_progress.get(("feature", feature.id), 0)),
        },
    )


def _run_row(run: Any, now: datetime) -> TableRow:
    return TableRow(
        id=f"{EXECUTION_ROW}{run.id}",
        seen=EXECUTION_SEEN,
        card_id=str(run.story_pk),
        cells={
            "name": text_fact(
                f"    {cut(run.agent_name, 40)} on {cut(run.story_id, 20)} {cut(run.title, 120)}"
            ),
            "status": text_fact(run.status, Tone.ACTIVE),
            "time": number_fact(FactKind.DURATION, seconds_since(run.started_at, now)),
        },
    )

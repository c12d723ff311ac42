"""A story in full: its facts, description, acceptance criteria, dependencies with their
statuses, history (newest first), agent executions with their input and output, quality
gate results, commits and the progress logs that name it. Read by key, on demand."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from ringmaster_tui.domain.values import JsonText, to_json_text, to_moment
from ringmaster_tui.domain.views import (
    DetailSection,
    Fact,
    FactKind,
    SectionedDetail,
    number_fact,
    text_fact,
)
from ringmaster_tui.domain.workflow import Tone
from ringmaster_tui.engines.sql import descending
from ringmaster_tui.sources.ralph.models import (
    agent_executions,
    features,
    git_commits,
    progress_logs,
    projects,
    quality_gate_results,
    stories,
    story_history,
)
from ringmaster_tui.sources.ralph.read.board import NO_STATUS, dependency_ids, dependency_statuses
from ringmaster_tui.sources.ralph.read.context import Reading, contains, cut
from ringmaster_tui.sources.ralph.read.review import review_id
from ringmaster_tui.sources.ralph.workflow import FINISHED

ROWS_SHOWN = 50
HISTORY_SHOWN = 100
EXECUTIONS_IN_FULL = 5
"""The newest executions whose input and output are shown as text."""
TEXT_CHARS = 20_000


def when(value: object) -> Fact:
    moment = to_moment(value)
    return text_fact(moment.strftime("%Y-%m-%d %H:%M") if moment else None, Tone.MUTED)


def json_as_text(stored: object, limit: int = TEXT_CHARS) -> str | None:
    """A JSON column as readable text: indented when it parses, as stored when not."""
    parsed = to_json_text(stored)
    if parsed is None:
        return None
    if not parsed.parses:
        return cut(parsed.broken, limit)
    value = parsed.value
    shown = value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)
    return cut(shown, limit)


def _items(stored: object) -> tuple[list[str], JsonText | None]:
    """A JSON array's items as text; else nothing, and the column as it is."""
    parsed = to_json_text(stored)
    if parsed is None:
        return [], None
    if isinstance(parsed.value, list):
        return [
            i if isinstance(i, str) else json.dumps(i, ensure_ascii=False) for i in parsed.value
        ], None
    return [], parsed


def read_story_detail(reading: Reading, card_id: str) -> SectionedDetail | None:
    try:
        pk = int(card_id)
    except ValueError:
        return None
    story = reading.run(sa.select(*stories.c).where(stories.c.id == pk)).first()
    if story is None:
        return None
    feature = reading.run(
        sa.select(
            features.c.name, features.c.branch_name, features.c.project_id, features.c.status
        ).where(features.c.id == story.feature_id)
    ).first()
    project_name = None
    if feature is not None and reading.has(projects):
        project_name = reading.run(
            sa.select(projects.c.name).where(projects.c.id == feature.project_id)
        ).scalar()
    sections = [
        _facts(story, feature, project_name),
        DetailSection(title="Description", text=cut(story.description, TEXT_CHARS)),
        _criteria(story.acceptance_criteria),
        _dependencies(reading, story),
        _history(reading, pk),
        *_executions(reading, pk),
        _gates(reading, pk),
        _commits(reading, pk),
        _progress_logs(reading, story),
    ]
    return SectionedDetail(
        id=str(pk),
        title=cut(story.title, 500) or f"story {pk}",
        state=NO_STATUS if story.status is None else str(story.status),
        sections=tuple(sections),
    )


def _facts(story: Any, feature: Any, project_name: str | None) -> DetailSection:
    facts: list[tuple[str, Fact]] = [
        ("story", text_fact(story.story_id)),
        ("status", text_fact(story.status)),
        ("project", text_fact(project_name)),
        ("feature", text_fact(feature.name if feature else None)),
        ("branch", text_fact(feature.branch_name if feature else None)),
        ("repo", text_fact(story.repo)),
        ("priority", number_fact(FactKind.COUNT, story.priority, label="P")),
        ("agent", text_fact(story.assigned_agent)),
        ("attempts", number_fact(FactKind.COUNT, story.attempt_count)),
        ("created", when(story.created_at)),
        ("updated", when(story.updated_at)),
        ("started", when(story.started_at)),
        ("completed", when(story.completed_at)),
    ]
    return DetailSection(title="Story", facts=tuple(facts))


def _criteria(stored: object) -> DetailSection:
    items, broken = _items(stored)
    if broken is not None:  # not a JSON array: shown as it is
        return DetailSection(title="Acceptance criteria", json_value=broken)
    return DetailSection(
        title=f"Acceptance criteria ({len(items)})",
        columns=("#", "criterion"),
        rows=tuple(
            (text_fact(str(n)), text_fact(cut(item, 2000))) for n, item in enumerate(items, 1)
        ),
    )


def _dependencies(reading: Reading, story: Any) -> DetailSection:
    deps = dependency_ids(story.dependencies)
    statuses = dependency_statuses(reading, {(story.feature_id, d) for d in deps})
    titles: dict[str, str] = {}
    if deps:
        titles = {
            row.story_id: row.title
            for row in reading.run(
                sa.select(stories.c.story_id, stories.c.title).where(
                    stories.c.feature_id == story.feature_id, stories.c.story_id.in_(deps)
                )
            )
        }
    rows = []
    for dep in deps:
        status = statuses.get((story.feature_id, dep))
        found = (story.feature_id, dep) in statuses
        tone = Tone.GOOD if status == FINISHED else Tone.WAITING
        rows.append(
            (
                text_fact(dep),
                text_fact(cut(titles.get(dep), 200)),
                text_fact(status if found else "not found", tone if found else Tone.BAD),
            )
        )
    waiting = sum(1 for dep in deps if statuses.get((story.feature_id, dep)) != FINISHED)
    _, broken = _items(story.dependencies)
    if broken is not None:  # not a JSON array: shown as stored, and blocks nothing
        return DetailSection(title="Dependencies (unreadable)", json_value=broken)
    return DetailSection(
        title=f"Dependencies ({len(deps)}, {waiting} not done)",
        columns=("story", "title", "status"),
        rows=tuple(rows),
    )


def _history(reading: Reading, pk: int) -> DetailSection:
    if not reading.has(story_history):
        return DetailSection(title="History", empty="This database has no story_history table.")
    rows = reading.run(
        sa.select(*story_history.c)
        .where(story_history.c.story_id == pk)
        .order_by(descending(story_history.c.timestamp), story_history.c.id.desc())
        .limit(HISTORY_SHOWN)
    )
    return DetailSection(
        title="History, newest first",
        columns=("when", "action", "agent", "notes"),
        rows=tuple(
            (
                when(r.timestamp),
                text_fact(r.action),
                text_fact(r.agent),
                text_fact(cut(r.notes, 1000)),
            )
            for r in rows
        ),
    )


def _executions(reading: Reading, pk: int) -> list[DetailSection]:
    rows = list(
        reading.run(
            sa.select(*agent_executions.c)
            .where(agent_executions.c.story_id == pk)
            .order_by(descending(agent_executions.c.started_at), agent_executions.c.id.desc())
            .limit(ROWS_SHOWN)
        )
    )
    table = DetailSection(
        title=f"Agent executions ({len(rows)}), newest first",
        columns=("run", "agent", "status", "started", "took", "error"),
        rows=tuple(
            (
                text_fact(str(r.id)),
                text_fact(r.agent_name),
                text_fact(r.status, _run_tone(r.status)),
                when(r.started_at),
                number_fact(FactKind.DURATION, r.duration_seconds),
                text_fact(cut(r.error_message, 500)),
            )
            for r in rows
        ),
    )
    full = [
        DetailSection(
            title=f"Run {r.id} · {cut(r.agent_name, 40)} · {r.status or 'no status'}",
            text=_run_text(r),
            empty="No input, output or error recorded.",
        )
        for r in rows[:EXECUTIONS_IN_FULL]
    ]
    return [table, *full]


def _run_tone(status: object) -> Tone:
    return {"success": Tone.GOOD, "failed": Tone.BAD, "running": Tone.ACTIVE}.get(
        str(status), Tone.PLAIN
    )


def _run_text(run: Any) -> str | None:
    parts = []
    for name, value in (
        ("error", cut(run.error_message, TEXT_CHARS)),
        ("input", json_as_text(run.input_data)),
        ("output", json_as_text(run.output_data)),
    ):
        if value:
            parts.append(f"{name}:\n{value}")
    return "\n\n".join(parts) or None


def _gates(reading: Reading, pk: int) -> DetailSection:
    if not reading.has(quality_gate_results):
        return DetailSection(
            title="Quality gates", empty="This database has no quality_gate_results table."
        )
    rows = list(
        reading.run(
            sa.select(*quality_gate_results.c)
            .where(quality_gate_results.c.story_id == pk)
            .order_by(
                descending(quality_gate_results.c.timestamp), quality_gate_results.c.id.desc()
            )
            .limit(ROWS_SHOWN)
        )
    )
    return DetailSection(
        title=f"Quality gates ({len(rows)}, {sum(1 for r in rows if r.status == 'fail')} failed)",
        columns=("when", "gate", "result", "details"),
        rows=tuple(
            (
                when(r.timestamp),
                text_fact(r.gate_name),
                text_fact(r.status, Tone.GOOD if r.status == "pass" else Tone.BAD),
                text_fact(cut(json_as_text(r.details, 2000), 2000)),
            )
            for r in rows
        ),
    )


def _commits(reading: Reading, pk: int) -> DetailSection:
    if not reading.has(git_commits):
        return DetailSection(title="Commits", empty="This database has no git_commits table.")
    rows = list(
        reading.run(
            sa.select(*git_commits.c)
            .where(git_commits.c.story_id == pk)
            .order_by(descending(git_commits.c.timestamp), git_commits.c.id.desc())
            .limit(ROWS_SHOWN)
        )
    )
    facts = []
    for r in rows:
        files, broken = _items(r.files_changed)
        shown = ", ".join(files) if files else (json_as_text(broken, 500) if broken else None)
        facts.append(
            (
                text_fact(cut(r.commit_hash, 12)),
                text_fact(r.repo),
                when(r.timestamp),
                text_fact(cut(r.commit_message, 1000)),
                text_fact(cut(shown, 1000)),
            )
        )
    return DetailSection(
        title=f"Commits ({len(rows)}), newest first; enter reviews one",
        columns=("commit", "repo", "when", "message", "files changed"),
        rows=tuple(facts),
        review_ids=tuple(review_id(r.id) for r in rows),
    )


def _progress_logs(reading: Reading, story: Any) -> DetailSection:
    """Logs of the story's feature tied to the story, or naming its story id."""
    if not reading.has(progress_logs):
        return DetailSection(
            title="Progress logs", empty="This database has no progress_logs table."
        )
    naming = progress_logs.c.story_id == story.id
    if story.story_id:
        naming = sa.or_(naming, contains(str(story.story_id), progress_logs.c.message))
    rows = reading.run(
        sa.select(*progress_logs.c)
        .where(progress_logs.c.feature_id == story.feature_id, naming)
        .order_by(descending(progress_logs.c.timestamp), progress_logs.c.id.desc())
        .limit(ROWS_SHOWN)
    )
    return DetailSection(
        title="Progress logs, newest first",
        columns=("when", "agent", "type", "message"),
        rows=tuple(
            (
                when(r.timestamp),
                text_fact(r.agent),
                text_fact(r.log_type),
                text_fact(cut(r.message, 2000)),
            )
            for r in rows
        ),
    )

"""The problems view: failed agent executions, failed quality gates, stories failed or
sent to rework, and system logs at ERROR, newest first, as one table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.domain.values import to_moment
from ringmaster_tui.domain.views import (
    Column,
    FactKind,
    TableData,
    TableRow,
    number_fact,
    text_fact,
)
from ringmaster_tui.domain.workflow import Tone
from ringmaster_tui.engines.sql import descending
from ringmaster_tui.sources.ralph.models import (
    agent_executions,
    quality_gate_results,
    stories,
    system_logs,
)
from ringmaster_tui.sources.ralph.read.context import Reading, contains, cut
from ringmaster_tui.sources.ralph.workflow import FAILED, REWORK

VIEW = "problems"
RUN_FAILED = "run failed"
GATE_FAILED = "gate failed"
LOG_ERROR = "ERROR log"

COLUMNS = (
    Column("ago", "Ago", 6),
    Column("kind", "Kind", 12),
    Column("story", "Story", 10, drop=2),
    Column("who", "Who", 14, drop=1),
    Column("what", "What", 20, flex=True),
)

_OLDEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Problem:
    row_id: str
    kind: str
    when: object
    story_pk: int | None
    story_label: str | None
    who: str | None
    what: str | None
    tone: Tone


def read_problems(reading: Reading, query: BoardQuery) -> TableData:
    limit = query.list_limit
    text = query.text_of(VIEW).strip()

    def matching(*columns: sa.ColumnElement[str | None]) -> list[sa.ColumnElement[bool]]:
        if not text:
            return []
        return [contains(text, *columns)]

    found: list[Problem] = []
    total = 0
    runs = [
        agent_executions.c.status == FAILED,
        *matching(
            agent_executions.c.error_message,
            agent_executions.c.agent_name,
            _story_label(agent_executions),
        ),
    ]
    total += _count(reading, agent_executions, runs)
    for row in reading.run(
        sa.select(
            agent_executions.c.id,
            agent_executions.c.started_at,
            agent_executions.c.completed_at,
            agent_executions.c.agent_name,
            agent_executions.c.error_message,
            stories.c.id.label("story_pk"),
            stories.c.story_id,
        )
        .join(stories, stories.c.id == agent_executions.c.story_id)
        .where(*runs)
        .order_by(descending(agent_executions.c.started_at), agent_executions.c.id.desc())
        .limit(limit)
    ):
        found.append(
            Problem(
                f"run:{row.id}",
                RUN_FAILED,
                row.completed_at or row.started_at,
                row.story_pk,
                row.story_id,
                row.agent_name,
                row.error_message or "failed (no message)",
                Tone.BAD,
            )
        )
    if reading.has(quality_gate_results):
        gates = [
            quality_gate_results.c.status == "fail",
            *matching(
                quality_gate_results.c.gate_name,
                quality_gate_results.c.details,
                _story_label(quality_gate_results),
            ),
        ]
        total += _count(reading, quality_gate_results, gates)
        for row in reading.run(
            sa.select(
                quality_gate_results.c.id,
                quality_gate_results.c.timestamp,
                quality_gate_results.c.gate_name,
                quality_gate_results.c.details,
                stories.c.id.label("story_pk"),
                stories.c.story_id,
            )
            .join(stories, stories.c.id == quality_gate_results.c.story_id)
            .where(*gates)
            .order_by(
                descending(quality_gate_results.c.timestamp), quality_gate_results.c.id.desc()
            )
            .limit(limit)
        ):
            found.append(
                Problem(
                    f"gate:{row.id}",
                    GATE_FAILED,
                    row.timestamp,
                    row.story_pk,
                    row.story_id,
                    row.gate_name,
                    row.details,
                    Tone.BAD,
                )
            )
    # One status at a time: each reads its (status, updated_at) index newest first.
    for status in (FAILED, REWORK):
        troubled = [stories.c.status == status, *matching(stories.c.title, stories.c.story_id)]
        total += reading.scalar(sa.select(sa.func.count()).select_from(stories).where(*troubled))
        for row in reading.run(
            sa.select(
                stories.c.id,
                stories.c.story_id,
                stories.c.title,
                stories.c.updated_at,
                stories.c.assigned_agent,
            )
            .where(*troubled)
            .order_by(descending(stories.c.updated_at), stories.c.id.desc())
            .limit(limit)
        ):
            found.append(
                Problem(
                    f"story:{row.id}",
                    f"story {status}",
                    row.updated_at,
                    row.id,
                    row.story_id,
                    row.assigned_agent,
                    row.title,
                    Tone.BAD if status == FAILED else Tone.WAITING,
                )
            )
    if reading.has(system_logs):
        logs = [
            system_logs.c.level == "ERROR",
            *matching(system_logs.c.message, system_logs.c.source),
        ]
        total += reading.scalar(sa.select(sa.func.count()).select_from(system_logs).where(*logs))
        for row in reading.run(
            sa.select(
                system_logs.c.id,
                system_logs.c.timestamp,
                system_logs.c.source,
                system_logs.c.message,
            )
            .where(*logs)
            .order_by(descending(system_logs.c.timestamp), system_logs.c.id.desc())
            .limit(limit)
        ):
            found.append(
                Problem(
                    f"log:{row.id}",
                    LOG_ERROR,
                    row.timestamp,
                    None,
                    None,
                    row.source,
                    row.message,
                    Tone.BAD,
                )
            )
    found.sort(key=lambda p: to_moment(p.when) or _OLDEST, reverse=True)
    shown = found[:limit]
    return TableData(
        columns=COLUMNS,
        rows=tuple(_row(p, reading.now) for p in shown),
        total=max(total, len(shown)),
        summary="problem(s), newest first",
        empty="No problems: no failed runs or gates, no failed or rework stories, "
        "no errors logged.",
    )


def _story_label(table: sa.Table) -> sa.ColumnElement[str | None]:
    """The story id (US-001) of a row's story, looked up by key for each row the status
    index gives: a filter matching it reads only the failed rows' stories (joined, the
    planner would read every story to match the few)."""
    story = stories.alias("story_of_row")  # its own name: the listing joins `stories` too
    found = (
        sa.select(story.c.story_id)
        .where(story.c.id == table.c.story_id)
        .correlate(table)
        .scalar_subquery()
    )
    return sa.type_coerce(found, sa.String())


def _count(reading: Reading, table: sa.Table, where: list[sa.ColumnElement[bool]]) -> int:
    """Rows of `table` matching `where` (unfiltered, the count reads the status index
    alone)."""
    return reading.scalar(sa.select(sa.func.count()).select_from(table).where(*where))


def _row(problem: Problem, now: datetime) -> TableRow:
    moment = to_moment(problem.when)
    ago = None if moment is None else max(0.0, (now - moment).total_seconds())
    return TableRow(
        id=problem.row_id,
        seen=problem.kind,
        tone=problem.tone,
        card_id=None if problem.story_pk is None else str(problem.story_pk),
        cells={
            "ago": number_fact(FactKind.DURATION, ago),
            "kind": text_fact(problem.kind),
            "story": text_fact(cut(problem.story_label, 20)),
            "who": text_fact(cut(problem.who, 40)),
            "what": text_fact(cut(problem.what)),
        },
    )

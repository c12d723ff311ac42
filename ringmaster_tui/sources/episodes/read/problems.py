"""The problems view: failed steps and failed episodes together, newest first, in the
picked domain (or all), filtered by text (the step's action and result, the episode's
context, task type and domain).

Each kind is read newest first by its own index (steps by success and time, episodes by
status and end), as many as the view shows; the two are merged here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.domain.timefmt import age
from ringmaster_tui.domain.values import to_moment
from ringmaster_tui.domain.views import Column, TableData, TableRow, text_fact
from ringmaster_tui.domain.workflow import Tone
from ringmaster_tui.sources.episodes.read.context import (
    CONTEXT_CHARS,
    ReadContext,
    episode_text,
    matches,
    newest_first,
    title_of,
)
from ringmaster_tui.sources.episodes.read.live import STEP_TEXT_CHARS, step_line
from ringmaster_tui.sources.episodes.schema import episodes, steps
from ringmaster_tui.sources.episodes.workflow import FAILED

VIEW_ID = "problems"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

COLUMNS = (
    Column("when", "ago", 6),
    Column("kind", "what", 7),
    Column("episode", "episode", 18, drop=1),
    Column("problem", "problem", 20, flex=True),
)


def problems_table(ctx: ReadContext, query: BoardQuery) -> TableData:
    text = query.text_of(VIEW_ID).strip()
    failed_steps = _failed_steps(ctx, query, text)
    failed_episodes = _failed_episodes(ctx, query, text)
    merged = sorted(
        [*failed_steps[1], *failed_episodes[1]],
        key=lambda item: item[0] or _EPOCH,
        reverse=True,
    )[: query.list_limit]
    total = failed_steps[0] + failed_episodes[0]
    return TableData(
        columns=COLUMNS,
        rows=tuple(row for _, row in merged),
        total=total,
        summary=f"problems · {failed_steps[0]:,} failed steps, "
        f"{failed_episodes[0]:,} failed episodes",
        empty="No step or episode has failed.",
    )


def _domain(query: BoardQuery) -> list[sa.ColumnElement[bool]]:
    return [] if query.project_id is None else [episodes.c.domain == query.project_id]


def _failed_steps(
    ctx: ReadContext, query: BoardQuery, text: str
) -> tuple[int, list[tuple[datetime | None, TableRow]]]:
    where = [steps.c.success == sa.false(), *_domain(query)]
    if text:
        where.append(sa.or_(matches((steps.c.action, steps.c.result), text), episode_text(text)))
    joined = steps.join(episodes, episodes.c.id == steps.c.episode_id)
    count = sa.select(sa.func.count()).select_from(steps)
    if len(where) > 1:
        count = count.select_from(joined)
    total = int(ctx.scalar(count.where(*where)) or 0)
    found = ctx.rows(
        sa.select(
            steps.c.id,
            steps.c.episode_id,
            steps.c.step_number,
            sa.func.substr(steps.c.action, 1, STEP_TEXT_CHARS).label("action"),
            sa.func.substr(steps.c.result, 1, STEP_TEXT_CHARS).label("result"),
            steps.c.timestamp,
            episodes.c.task_type,
            episodes.c.domain,
        )
        .select_from(joined)
        .where(*where)
        .order_by(newest_first(steps.c.timestamp), steps.c.id.desc())
        .limit(query.list_limit)
    )
    rows = []
    for row in found:
        when = to_moment(row.timestamp)
        rows.append(
            (
                when,
                TableRow(
                    id=f"s:{row.id}",
                    cells={
                        "when": text_fact(age(when, ctx.now)),
                        "kind": text_fact(f"step {row.step_number}"),
                        "episode": text_fact(f"{row.task_type} · {row.domain}"),
                        "problem": text_fact(step_line(row.action, row.result)),
                    },
                    tone=Tone.WAITING,
                    card_id=str(row.episode_id),
                    seen="step",
                ),
            )
        )
    return total, rows


def _failed_episodes(
    ctx: ReadContext, query: BoardQuery, text: str
) -> tuple[int, list[tuple[datetime | None, TableRow]]]:
    where = [episodes.c.status == FAILED, *_domain(query)]
    if text:
        where.append(episode_text(text))
    total = int(ctx.scalar(sa.select(sa.func.count()).select_from(episodes).where(*where)) or 0)
    found = ctx.rows(
        sa.select(
            episodes.c.id,
            episodes.c.task_type,
            episodes.c.domain,
            sa.func.substr(episodes.c.context, 1, CONTEXT_CHARS).label("context"),
            episodes.c.created_at,
            episodes.c.completed_at,
        )
        .where(*where)
        .order_by(newest_first(episodes.c.completed_at), episodes.c.id.desc())
        .limit(query.list_limit)
    )
    rows: list[tuple[datetime | None, TableRow]] = []
    for row in found:
        when = to_moment(row.completed_at) or to_moment(row.created_at)
        rows.append((when, _episode_row(row, when, ctx)))
    return total, rows


def _episode_row(row: Any, when: datetime | None, ctx: ReadContext) -> TableRow:
    return TableRow(
        id=f"e:{row.id}",
        cells={
            "when": text_fact(age(when, ctx.now)),
            "kind": text_fact("episode", Tone.BAD),
            "episode": text_fact(f"{row.task_type} · {row.domain}"),
            "problem": text_fact(title_of(row.context, row.task_type)),
        },
        tone=Tone.BAD,
        card_id=str(row.id),
        seen=FAILED,
    )

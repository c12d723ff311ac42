"""The live view: each active episode, with its latest steps beneath it as a tail (the
newest last), how long since it last wrote one, and a mark when it has stalled.

Row ids: "e:<episode id>" for an episode, "s:<step id>" for a step; every row opens its
episode and carries its mark (stalled or active) for the mark-failed key.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Row

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.domain.timefmt import age
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
from ringmaster_tui.sources.episodes.read.board import duration_seconds
from ringmaster_tui.sources.episodes.read.context import (
    CONTEXT_CHARS,
    ReadContext,
    episode_text,
    newest_first,
    seconds_of_ms,
    title_of,
)
from ringmaster_tui.sources.episodes.read.stats import NO_STEPS, last_activity, step_stats
from ringmaster_tui.sources.episodes.schema import episodes, steps
from ringmaster_tui.sources.episodes.workflow import ACTIVE, is_stalled

VIEW_ID = "loops"
# The latest steps shown under each active episode.
TAIL_STEPS = 3
# Each step's action and result are read this far (a result may be a whole log).
STEP_TEXT_CHARS = 200

STALLED = "stalled"
LIVE = "active"

COLUMNS = (
    Column("what", "episode · latest steps", 24, flex=True),
    Column("step", "step", 6),
    Column("ok", "ok", 4),
    Column("took", "took", 6, drop=2),
    Column("since", "since", 6),
    Column("mark", "mark", 7, drop=1),
)


def episode_row_id(episode_id: str) -> str:
    return f"e:{episode_id}"


def step_row_id(step_id: str) -> str:
    return f"s:{step_id}"


def live_table(ctx: ReadContext, query: BoardQuery) -> TableData:
    where: list[sa.ColumnElement[bool]] = [episodes.c.status == ACTIVE]
    if query.project_id is not None:
        where.append(episodes.c.domain == query.project_id)
    text = query.text_of(VIEW_ID)
    if text.strip():
        where.append(episode_text(text))
    active = sa.select(episodes.c.id).where(*where)
    episode_count = int(ctx.scalar(sa.select(sa.func.count()).select_from(active.subquery())) or 0)
    total = episode_count + _tail_rows(ctx, active)
    found = ctx.rows(
        sa.select(
            episodes.c.id,
            episodes.c.task_type,
            episodes.c.domain,
            sa.func.substr(episodes.c.context, 1, CONTEXT_CHARS).label("context"),
            episodes.c.status,
            episodes.c.created_at,
            episodes.c.completed_at,
        )
        .where(*where)
        .order_by(newest_first(episodes.c.created_at), episodes.c.id.desc())
        .limit(query.list_limit)
    )
    ids = [row.id for row in found]
    stats = step_stats(ctx, ids)
    # What moves now first: the episode that wrote last on top; the silent sink.
    ordered = sorted(
        found,
        key=lambda row: (
            last_activity(stats.get(row.id, NO_STEPS), to_moment(row.created_at))
            or ctx.now.replace(year=1970)
        ),
        reverse=True,
    )
    # Only the episodes whose rows fit in the rows asked for have their tails read.
    shown, room = [], query.list_limit
    for row in ordered:
        if room <= 0:
            break
        shown.append(row)
        room -= 1 + min(stats.get(row.id, NO_STEPS).count, TAIL_STEPS)
    tails = latest_steps(ctx, [row.id for row in shown])
    rows: list[TableRow] = []
    stalled_count = 0
    for row in shown:
        got = stats.get(row.id, NO_STEPS)
        last = last_activity(got, to_moment(row.created_at))
        mark = STALLED if is_stalled(last, ctx.now) else LIVE
        stalled_count += mark == STALLED
        rows.append(_episode_row(row, got.count, got.success_share, last, mark, ctx))
        rows.extend(_step_row(step, row.id, mark, ctx) for step in tails.get(row.id, ()))
    summary = f"rows: {episode_count:,} active episode{'' if episode_count == 1 else 's'}"
    summary += " and their latest steps"
    if stalled_count:
        summary += f" · {stalled_count} stalled" + ("" if len(shown) == len(found) else " shown")
    return TableData(
        columns=COLUMNS,
        rows=tuple(rows[: query.list_limit]),
        total=total,
        summary=summary,
        empty="No episode is active.",
    )


def _tail_rows(ctx: ReadContext, active: sa.Select[Any]) -> int:
    """How many step rows the active episodes' tails have in all (TAIL_STEPS at most each):
    each episode's steps counted by its index (a join of all steps to the active episodes
    is what PostgreSQL's planner reads by a sequential scan)."""
    listed = active.subquery()
    n = (
        sa.select(sa.func.count())
        .select_from(steps)
        .where(steps.c.episode_id == listed.c.id)
        .correlate(listed)
        .scalar_subquery()
    )
    capped = sa.case((n > TAIL_STEPS, TAIL_STEPS), else_=n)
    statement = sa.select(sa.func.coalesce(sa.func.sum(capped), 0)).select_from(listed)
    return int(ctx.scalar(statement) or 0)


def latest_steps(ctx: ReadContext, episode_ids: list[str]) -> dict[str, list[Row[Any]]]:
    """The last TAIL_STEPS steps of each episode, oldest first."""
    if not episode_ids:
        return {}
    rank = (
        sa.func.row_number()
        .over(
            partition_by=steps.c.episode_id,
            order_by=(steps.c.step_number.desc(), steps.c.id.desc()),
        )
        .label("rank")
    )
    ranked = (
        sa.select(
            steps.c.id,
            steps.c.episode_id,
            steps.c.step_number,
            sa.func.substr(steps.c.action, 1, STEP_TEXT_CHARS).label("action"),
            sa.func.substr(steps.c.result, 1, STEP_TEXT_CHARS).label("result"),
            steps.c.duration_ms,
            steps.c.success,
            steps.c.timestamp,
            rank,
        )
        .where(steps.c.episode_id.in_(episode_ids))
        .subquery()
    )
    statement = (
        sa.select(ranked)
        .where(ranked.c.rank <= TAIL_STEPS)
        .order_by(ranked.c.episode_id, ranked.c.step_number, ranked.c.id)
    )
    tails: dict[str, list[Row[Any]]] = {}
    for step in ctx.conn.execute(statement):
        tails.setdefault(step.episode_id, []).append(step)
    return tails


def success_fact(success: object) -> Fact:
    if success is None:
        return text_fact("?", Tone.MUTED)
    return text_fact("✓", Tone.GOOD) if success else text_fact("✗", Tone.BAD)


def step_line(action: str | None, result: str | None) -> str:
    """'run_tests → 3 failed': what a step did and what came of it, on one line."""
    line = action or "?"
    if result:
        line += f" → {result}"
    return " ".join(line.split())


def _episode_row(
    row: Row[Any],
    count: int,
    share: float | None,
    last: Any,
    mark: str,
    ctx: ReadContext,
) -> TableRow:
    title = f"{row.task_type} · {row.domain} — {title_of(row.context, row.task_type)}"
    return TableRow(
        id=episode_row_id(row.id),
        cells={
            "what": text_fact(title),
            "step": number_fact(FactKind.COUNT, count),
            "ok": number_fact(FactKind.PERCENT, share),
            "took": number_fact(FactKind.DURATION, duration_seconds(row, ctx.now)),
            "since": text_fact(age(last, ctx.now)),
            "mark": text_fact("STALLED", Tone.BAD) if mark == STALLED else text_fact("live"),
        },
        tone=Tone.WAITING if mark == STALLED else Tone.PLAIN,
        card_id=str(row.id),
        seen=mark,
    )


def _step_row(step: Row[Any], episode_id: str, mark: str, ctx: ReadContext) -> TableRow:
    return TableRow(
        id=step_row_id(step.id),
        cells={
            "what": text_fact("  ↳ " + step_line(step.action, step.result)),
            "step": number_fact(FactKind.COUNT, step.step_number, label="#"),
            "ok": success_fact(step.success),
            "took": number_fact(
                FactKind.DURATION,
                seconds_of_ms(step.duration_ms),
            ),
            "since": text_fact(age(to_moment(step.timestamp), ctx.now)),
        },
        tone=Tone.MUTED,
        card_id=str(episode_id),
        seen=mark,
    )

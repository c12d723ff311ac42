"""The board: episodes as cards in lanes by status, newest first; the picker's groups
(domains); the header's totals. Counts read the status indexes; each lane reads only the
cards it shows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Row

from ringmaster_tui.domain.snapshot import BoardQuery, CardSummary, LaneView, Project, Totals
from ringmaster_tui.domain.values import to_moment
from ringmaster_tui.domain.views import Fact, FactKind, number_fact, text_fact
from ringmaster_tui.domain.workflow import Tone
from ringmaster_tui.engines.sql import index_counts_read_the_table, values_present
from ringmaster_tui.sources.episodes.read.context import (
    CONTEXT_CHARS,
    ReadContext,
    episode_text,
    newest_first,
    title_of,
)
from ringmaster_tui.sources.episodes.read.stats import (
    NO_STEPS,
    StepStats,
    last_activity,
    stalled,
    step_stats,
)
from ringmaster_tui.sources.episodes.schema import episodes
from ringmaster_tui.sources.episodes.workflow import ACTIVE, WORKFLOW

# The picker lists this many domains at most (sorted); a filter finds the others.
MAX_DOMAINS = 500


def _scope(query: BoardQuery) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if query.project_id is not None:
        where.append(episodes.c.domain == query.project_id)
    if query.text.strip():
        where.append(episode_text(query.text))
    return where


def status_counts(ctx: ReadContext, query: BoardQuery) -> dict[str, int]:
    if query.text.strip():  # the text decides which are read: group the matches
        statement = _counts_in_one_pass(_scope(query))
    elif index_counts_read_the_table(ctx.conn, "episodes"):
        statement = _counts_in_one_pass([episodes.c.status.is_not(None), *_scope(query)])
    else:
        statement = _counts_by_status(query)
    return {str(status): int(n) for status, n in ctx.rows(statement) if n}


def _counts_in_one_pass(where: list[sa.ColumnElement[bool]]) -> sa.Select[Any]:
    return sa.select(episodes.c.status, sa.func.count()).where(*where).group_by(episodes.c.status)


def _counts_by_status(query: BoardQuery) -> sa.Select[Any]:
    """Each status's episodes, counted over its own range of a status index: the statuses
    present found by skipping from one to the next (a seek each). A GROUP BY over every
    episode is what PostgreSQL's planner reads by a sequential scan."""
    present = values_present(episodes.c.status, "present_statuses")
    counted = (
        sa.select(sa.func.count())
        .select_from(episodes)
        .where(episodes.c.status == present.c.value, *_scope(query))
        .scalar_subquery()
    )
    return sa.select(present.c.value, counted).where(present.c.value.is_not(None))


def domains(ctx: ReadContext) -> tuple[Project, ...]:
    """The domains in order, read by hopping through the domain index from one to the next
    (a recursive query: a few dozen index seeks, where DISTINCT reads every episode's
    entry; 0.3 ms against 18 ms on 100,000 episodes)."""
    first = sa.select(sa.func.min(episodes.c.domain).label("domain"), sa.literal(1).label("n")).cte(
        "domains", recursive=True
    )
    following = (
        sa.select(sa.func.min(episodes.c.domain))
        .where(episodes.c.domain > first.c.domain)
        .scalar_subquery()
    )
    hops = first.union_all(
        sa.select(following, first.c.n + 1).where(
            first.c.domain.is_not(None), first.c.n < MAX_DOMAINS
        )
    )
    found = ctx.rows(sa.select(hops.c.domain).where(hops.c.domain.is_not(None)))
    return tuple(Project(id=str(d), name=str(d)) for (d,) in found)


CARD_COLUMNS = (
    episodes.c.id,
    episodes.c.task_type,
    episodes.c.domain,
    sa.func.substr(episodes.c.context, 1, CONTEXT_CHARS).label("context"),
    episodes.c.status,
    episodes.c.success_rate,
    episodes.c.created_at,
    episodes.c.completed_at,
)


def lanes(ctx: ReadContext, query: BoardQuery, counts: dict[str, int]) -> tuple[LaneView, ...]:
    groups = WORKFLOW.lane_groups(counts, show_hidden=query.show_archived)
    picked: list[tuple[str, int, list[Row[Any]]]] = []
    for name, states in groups:
        count = sum(counts.get(state, 0) for state in states)
        rows: Sequence[Row[Any]] = ()
        if count and query.depth_of(name):  # depth 0: counted, not shown
            statement = (
                sa.select(*CARD_COLUMNS)
                .where(episodes.c.status.in_(states), *_scope(query))
                .order_by(newest_first(episodes.c.created_at), episodes.c.id.desc())
                .limit(query.depth_of(name))
            )
            rows = ctx.rows(statement)
        picked.append((name, count, list(rows)))
    stats = step_stats(ctx, [row.id for _, _, rows in picked for row in rows])
    return tuple(
        LaneView(
            name=name,
            count=count,
            cards=tuple(card(row, stats.get(row.id, NO_STEPS), ctx.now) for row in rows),
        )
        for name, count, rows in picked
    )


def card(row: Row[Any], stats: StepStats, now: datetime) -> CardSummary:
    created = to_moment(row.created_at)
    return CardSummary(
        id=str(row.id),
        project_id=str(row.domain),
        title=title_of(row.context, row.task_type),
        state=str(row.status),
        updated_at=last_activity(stats, created),
        facts=card_facts(row, stats, now),
    )


def card_facts(row: Row[Any], stats: StepStats, now: datetime) -> tuple[Fact, ...]:
    """Steps so far, the share that succeeded, how long it has run (or ran), the episode's
    own success_rate, its task type and domain; a stalled mark first."""
    share = stats.success_share
    # The numbers first: a narrow lane cuts the end of the line.
    facts = [
        number_fact(FactKind.COUNT, stats.count, label="steps "),
        number_fact(
            FactKind.PERCENT,
            share,
            label="ok ",
            tone=Tone.BAD if share is not None and share < 0.5 else Tone.PLAIN,
        ),
        number_fact(FactKind.DURATION, duration_seconds(row, now), label="for "),
        number_fact(FactKind.PERCENT, row.success_rate, label="rate "),
        text_fact(row.task_type),
        text_fact(row.domain, Tone.MUTED),
    ]
    if stalled(str(row.status), stats, to_moment(row.created_at), now):
        facts.insert(0, text_fact("STALLED", Tone.BAD))
    return tuple(facts)


def duration_seconds(row: Row[Any], now: datetime) -> float | None:
    """From start to end, or to now while it runs; None without a readable start."""
    started = to_moment(row.created_at)
    if started is None:
        return None
    ended = to_moment(row.completed_at)
    if ended is None and row.status != ACTIVE:
        return None
    return max(((ended or now) - started).total_seconds(), 0.0)


def totals(counts: dict[str, int], query: BoardQuery) -> Totals:
    shown = sum(n for state, n in counts.items() if query.show_archived or state != "archived")
    return Totals(
        cards=shown,
        active_loops=counts.get(ACTIVE, 0),
        unresolved_errors=None,
        pending_decisions=None,
        unacknowledged_alerts=None,
        critical_alerts=None,
    )

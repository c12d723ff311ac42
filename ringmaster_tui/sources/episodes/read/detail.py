"""One episode in full: its facts, context, metadata JSON, its steps in order, its
embeddings counted by model (never the vectors) and the patterns of its domain.

A pattern has no domain column in seed 004; it belongs to a domain when its pattern_data
or metadata JSON names it (`"domain": "auth"` or `"domains": ["auth", ...]`).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ringmaster_tui.domain.timefmt import age
from ringmaster_tui.domain.values import to_json_text, to_moment
from ringmaster_tui.domain.views import (
    DetailSection,
    Fact,
    FactKind,
    SectionedDetail,
    number_fact,
    text_fact,
)
from ringmaster_tui.sources.episodes.read.board import duration_seconds
from ringmaster_tui.sources.episodes.read.context import (
    ReadContext,
    matches,
    seconds_of_ms,
    title_of,
)
from ringmaster_tui.sources.episodes.read.live import success_fact
from ringmaster_tui.sources.episodes.read.stats import NO_STEPS, stalled, step_stats
from ringmaster_tui.sources.episodes.schema import embeddings, episodes, patterns, steps

# The detail shows this many steps (in order); the count says how many there are.
MAX_STEPS = 500
# A step's action and result are read this far each.
STEP_CHARS = 400
# Candidate patterns read for the domain check, the most successful first.
PATTERN_CANDIDATES = 200
MAX_PATTERNS = 20
# The context is read this far (a detail, not a dump).
CONTEXT_LIMIT = 20_000


def episode_detail(ctx: ReadContext, episode_id: str) -> SectionedDetail | None:
    row = ctx.rows(
        sa.select(
            episodes.c.id,
            episodes.c.task_type,
            episodes.c.domain,
            sa.func.substr(episodes.c.context, 1, CONTEXT_LIMIT).label("context"),
            episodes.c.status,
            episodes.c.success_rate,
            episodes.c.created_at,
            episodes.c.completed_at,
            episodes.c.metadata,
            episodes.c.embedding_version,
        ).where(episodes.c.id == episode_id)
    )
    if not row:
        return None
    episode = row[0]
    stats = step_stats(ctx, [episode.id]).get(episode.id, NO_STEPS)
    return SectionedDetail(
        id=str(episode.id),
        title=title_of(episode.context, episode.task_type),
        state=str(episode.status),
        sections=(
            _facts(ctx, episode, stats),
            DetailSection(title="Context", text=episode.context, empty="No context."),
            DetailSection(
                title="Metadata",
                json_value=to_json_text(episode.metadata),
                empty="No metadata.",
            ),
            _steps(ctx, episode.id, stats.count),
            _embeddings(ctx, episode.id),
            _patterns(ctx, str(episode.domain)),
        ),
    )


def _facts(ctx: ReadContext, episode: Any, stats: Any) -> DetailSection:
    created = to_moment(episode.created_at)
    completed = to_moment(episode.completed_at)
    is_stalled = stalled(str(episode.status), stats, created, ctx.now)
    facts: list[tuple[str, Fact]] = [
        ("status", text_fact(f"{episode.status}{' (stalled)' if is_stalled else ''}")),
        ("task type", text_fact(episode.task_type)),
        ("domain", text_fact(episode.domain)),
        ("steps", number_fact(FactKind.COUNT, stats.count)),
        ("succeeded", number_fact(FactKind.PERCENT, stats.success_share)),
        ("success rate", number_fact(FactKind.PERCENT, episode.success_rate)),
        ("duration", number_fact(FactKind.DURATION, duration_seconds(episode, ctx.now))),
        ("started", text_fact(_when(created, ctx))),
        ("ended", text_fact(_when(completed, ctx) if completed else None)),
        ("last step", text_fact(_when(stats.last_at, ctx) if stats.last_at else None)),
        ("embedding ver", text_fact(episode.embedding_version)),
        ("id", text_fact(episode.id)),
    ]
    return DetailSection(title="Episode", facts=tuple(facts))


def _when(moment: Any, ctx: ReadContext) -> str:
    if moment is None:
        return "?"
    return f"{moment:%Y-%m-%d %H:%M:%S} ({age(moment, ctx.now)} ago)"


def _steps(ctx: ReadContext, episode_id: str, count: int) -> DetailSection:
    found = ctx.rows(
        sa.select(
            steps.c.step_number,
            sa.func.substr(steps.c.action, 1, STEP_CHARS).label("action"),
            sa.func.substr(steps.c.result, 1, STEP_CHARS).label("result"),
            steps.c.duration_ms,
            steps.c.success,
        )
        .where(steps.c.episode_id == episode_id)
        .order_by(steps.c.step_number, steps.c.id)
        .limit(MAX_STEPS)
    )
    shown = f"first {len(found)} of {count}" if count > len(found) else str(count)
    return DetailSection(
        title=f"Steps ({shown})",
        columns=("#", "action", "result", "took", "ok"),
        rows=tuple(
            (
                number_fact(FactKind.COUNT, step.step_number),
                text_fact(step.action),
                text_fact(step.result),
                number_fact(
                    FactKind.DURATION,
                    seconds_of_ms(step.duration_ms),
                ),
                success_fact(step.success),
            )
            for step in found
        ),
        empty="No step yet.",
    )


def _embeddings(ctx: ReadContext, episode_id: str) -> DetailSection:
    if not ctx.has("embeddings"):
        return DetailSection(
            title="Embeddings",
            empty="This database has no embeddings table (made before migration 1.1.0).",
        )
    # Counted, never read: a vector is kilobytes of floats nobody reads on a terminal.
    found = ctx.rows(
        sa.select(embeddings.c.model_name, sa.func.count())
        .where(embeddings.c.episode_id == episode_id)
        .group_by(embeddings.c.model_name)
        .order_by(embeddings.c.model_name)
    )
    return DetailSection(
        title=f"Embeddings ({sum(int(n) for _, n in found)})",
        columns=("model", "count"),
        rows=tuple((text_fact(model), number_fact(FactKind.COUNT, n)) for model, n in found),
        empty="No embedding.",
    )


def _patterns(ctx: ReadContext, domain: str) -> DetailSection:
    found = ctx.rows(
        sa.select(
            patterns.c.pattern_type,
            patterns.c.pattern_data,
            patterns.c.metadata,
            patterns.c.success_rate,
            patterns.c.usage_count,
            patterns.c.last_used,
        )
        # Candidates that hold the domain's name anywhere (case folded as every filter is,
        # so both engines read the same ones); in_domain keeps those whose JSON says it.
        .where(matches((patterns.c.pattern_data, patterns.c.metadata), domain))
        .order_by(patterns.c.success_rate.desc(), patterns.c.id)
        .limit(PATTERN_CANDIDATES)
    )
    mine = [row for row in found if in_domain(row.pattern_data, row.metadata, domain)]
    return DetailSection(
        title=f"Patterns in {domain}",
        columns=("type", "success", "used", "last used", "pattern"),
        rows=tuple(
            (
                text_fact(row.pattern_type),
                number_fact(FactKind.PERCENT, row.success_rate),
                number_fact(FactKind.COUNT, row.usage_count),
                text_fact(
                    f"{age(to_moment(row.last_used), ctx.now)} ago" if row.last_used else "never"
                ),
                text_fact(" ".join(str(row.pattern_data)[:120].split())),
            )
            for row in mine[:MAX_PATTERNS]
        ),
        empty="No pattern names this domain.",
    )


def _used(last_used: object, ctx: ReadContext) -> str:
    return "never" if last_used is None else f"{age(to_moment(last_used), ctx.now)} ago"


def in_domain(pattern_data: object, metadata: object, domain: str) -> bool:
    """Whether a pattern's JSON says it belongs to `domain`."""
    for value in (pattern_data, metadata):
        parsed = to_json_text(value)
        data = parsed.value if parsed is not None else None
        if not isinstance(data, dict):
            continue
        if data.get("domain") == domain:
            return True
        listed = data.get("domains")
        if isinstance(listed, list) and domain in listed:
            return True
    return False

"""The patterns view: learned patterns grouped by type, the most successful (or, with the
toggle, the most used) first in each, with when each was last used. The filter searches
the pattern's data as text (and its type)."""

from __future__ import annotations

import sqlalchemy as sa

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.domain.timefmt import age
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
from ringmaster_tui.sources.episodes.read.context import ReadContext, matches
from ringmaster_tui.sources.episodes.schema import patterns

VIEW_ID = "patterns"
BY_USAGE = "usage"
"""The toggle's flag: most used first instead of most successful first."""
# A pattern's data is read this far for its row.
DATA_CHARS = 300

COLUMNS = (
    Column("type", "type", 16),
    Column("data", "pattern", 20, flex=True),
    Column("success", "success", 7),
    Column("usage", "used", 6),
    Column("last_used", "last used", 9, drop=1),
)


def patterns_table(ctx: ReadContext, query: BoardQuery) -> TableData:
    where: list[sa.ColumnElement[bool]] = []
    text = query.text_of(VIEW_ID)
    if text.strip():
        where.append(matches((patterns.c.pattern_data, patterns.c.pattern_type), text))
    by_usage = f"{VIEW_ID}.{BY_USAGE}" in query.view_flags
    metric = patterns.c.usage_count if by_usage else patterns.c.success_rate
    total = int(ctx.scalar(sa.select(sa.func.count()).select_from(patterns).where(*where)) or 0)
    found = ctx.rows(
        sa.select(
            patterns.c.id,
            patterns.c.pattern_type,
            sa.func.substr(patterns.c.pattern_data, 1, DATA_CHARS).label("data"),
            patterns.c.success_rate,
            patterns.c.usage_count,
            patterns.c.last_used,
        )
        .where(*where)
        # A pattern never counted (NULL usage) comes last, on either engine.
        .order_by(patterns.c.pattern_type, metric.desc().nulls_last(), patterns.c.id)
        .limit(query.list_limit)
    )
    rows = tuple(
        TableRow(
            id=str(row.id),
            cells={
                "type": text_fact(row.pattern_type),
                "data": text_fact(" ".join(str(row.data or "").split())),
                "success": number_fact(
                    FactKind.PERCENT,
                    row.success_rate,
                    tone=Tone.BAD
                    if isinstance(row.success_rate, float) and row.success_rate < 0.5
                    else Tone.PLAIN,
                ),
                "usage": number_fact(FactKind.COUNT, row.usage_count),
                "last_used": text_fact(_ago(row.last_used, ctx)),
            },
        )
        for row in found
    )
    order = "most used first" if by_usage else "most successful first"
    return TableData(
        columns=COLUMNS,
        rows=rows,
        total=total,
        summary=f"patterns · by type, {order}",
        empty="No pattern has been learned yet.",
    )


def _ago(value: object, ctx: ReadContext) -> str:
    moment = to_moment(value)
    return "never" if value is None else f"{age(moment, ctx.now)} ago"

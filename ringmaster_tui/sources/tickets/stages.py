"""The stages the board's lanes follow, read from the data: every execution plan's worker
types (project by project, the plans most tickets follow first) merged into one order,
then the registered worker types no plan names yet."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.sources.tickets.plan import parse_plan
from ringmaster_tui.sources.tickets.schema import tickets, worker_types
from ringmaster_tui.sources.tickets.workflow import merged_stage_order


def read_stage_order(conn: Connection) -> tuple[str, ...]:
    count = sa.func.count().label("n")
    rows = conn.execute(
        sa.select(tickets.c.project_id, tickets.c.execution_plan, count)
        .group_by(tickets.c.project_id, tickets.c.execution_plan)
        .order_by(tickets.c.project_id, count.desc(), tickets.c.execution_plan)
    ).all()
    plans = [stages for _, text, _ in rows if (stages := parse_plan(text))]
    registered = conn.execute(
        sa.select(worker_types.c.worker_type).order_by(worker_types.c.project_id, worker_types.c.id)
    ).scalars()
    order = merged_stage_order(plans)
    return order + tuple(t for t in dict.fromkeys(registered) if t not in order)

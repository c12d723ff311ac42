"""The board: tickets in the lanes of the stage they wait for, newest update first.

A ticket's lane follows from (execution_plan, last_completed_stage), so the open tickets
are first counted by that pair (an index-only GROUP BY on idx_tickets_board), each pair
is placed in its lane in Python, then each lane reads its newest cards by those pairs.
The Closed lane reads closed tickets, newest closed first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.domain.snapshot import BoardQuery, CardSummary, LaneView
from ringmaster_tui.domain.values import to_moment
from ringmaster_tui.domain.views import FactKind, number_fact, text_fact
from ringmaster_tui.domain.workflow import Tone, Workflow
from ringmaster_tui.sources.tickets.filters import AnyRow, matches
from ringmaster_tui.sources.tickets.plan import CLOSED, position
from ringmaster_tui.sources.tickets.read_workers import ActiveWorkers
from ringmaster_tui.sources.tickets.schema import tickets

# (plan, stage) pairs one statement names at most; more are read in several statements
# (SQLite's limit on bound parameters), their cards merged.
PAIRS_PER_STATEMENT = 200

Pair = tuple[str, str]

CARD_COLUMNS = (
    tickets.c.ticket_id,
    tickets.c.project_id,
    tickets.c.title,
    tickets.c.execution_plan,
    tickets.c.last_completed_stage,
    tickets.c.updated_at,
    tickets.c.closed_at,
)


@dataclass(frozen=True)
class Board:
    lanes: tuple[LaneView, ...]
    states: dict[str, int]
    total: int


def _narrowed(query: BoardQuery) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if query.project_id:
        where.append(tickets.c.project_id == query.project_id)
    if query.text:
        where.append(matches(query.text, tickets.c.title, tickets.c.ticket_id))
    return where


def read_board(
    conn: Connection,
    query: BoardQuery,
    now: datetime,
    workflow: Workflow,
    workers: ActiveWorkers,
) -> Board:
    where = _narrowed(query)
    groups = conn.execute(
        sa.select(tickets.c.execution_plan, tickets.c.last_completed_stage, sa.func.count())
        .where(tickets.c.closed_at.is_(None), *where)
        .group_by(tickets.c.execution_plan, tickets.c.last_completed_stage)
    ).all()
    if query.text:
        # A text filter reads every ticket anyway: all the matching ones counted in one
        # pass, less the open ones, rather than each closed ticket looked up by its index.
        matching = conn.execute(sa.select(sa.func.count()).where(*where)).scalar_one()
        closed = matching - sum(count for _, _, count in groups)
    else:
        closed = conn.execute(
            sa.select(sa.func.count()).where(tickets.c.closed_at.is_not(None), *where)
        ).scalar_one()

    states: dict[str, int] = defaultdict(int)
    pairs_of: dict[str, list[Pair]] = defaultdict(list)
    for plan_text, stage, count in groups:
        state = position(plan_text, stage, closed=False).state
        states[state] += count
        pairs_of[state].append((plan_text, stage))
    if closed:
        states[CLOSED] = closed

    lanes = []
    for lane_name, lane_states in workflow.lane_groups(states, show_hidden=False):
        count = sum(states.get(s, 0) for s in lane_states)
        depth = query.depth_of(lane_name)
        if not count or not depth:  # depth 0: counted, not shown
            rows: list[AnyRow] = []
        elif lane_states == (CLOSED,):
            rows = _closed_cards(conn, where, depth)
        else:
            pairs = [p for s in lane_states for p in pairs_of.get(s, ())]
            rows = _open_cards(conn, where, pairs, depth)
        cards = tuple(_card(row, now, workers) for row in rows)
        lanes.append(LaneView(name=lane_name, count=count, cards=cards))
    return Board(lanes=tuple(lanes), states=dict(states), total=sum(states.values()))


def _open_cards(
    conn: Connection, where: list[sa.ColumnElement[bool]], pairs: list[Pair], depth: int
) -> list[AnyRow]:
    found: list[AnyRow] = []
    for start in range(0, len(pairs), PAIRS_PER_STATEMENT):
        chunk = pairs[start : start + PAIRS_PER_STATEMENT]
        found += conn.execute(
            sa.select(*CARD_COLUMNS)
            .where(
                tickets.c.closed_at.is_(None),
                sa.tuple_(tickets.c.execution_plan, tickets.c.last_completed_stage).in_(chunk),
                *where,
            )
            .order_by(tickets.c.updated_at.desc(), tickets.c.ticket_id)
            .limit(depth)
        ).all()
    if len(pairs) > PAIRS_PER_STATEMENT:
        found.sort(key=lambda r: r.ticket_id)
        found.sort(key=lambda r: r.updated_at or "", reverse=True)
    return found[:depth]


def _closed_cards(
    conn: Connection, where: list[sa.ColumnElement[bool]], depth: int
) -> list[AnyRow]:
    return list(
        conn.execute(
            sa.select(*CARD_COLUMNS)
            .where(tickets.c.closed_at.is_not(None), *where)
            .order_by(tickets.c.closed_at.desc(), tickets.c.ticket_id)
            .limit(depth)
        ).all()
    )


def _card(row: AnyRow, now: datetime, workers: ActiveWorkers) -> CardSummary:
    """The card: its id, plan progress, age since its last update, the worker on it."""
    at = position(row.execution_plan, row.last_completed_stage, closed=row.closed_at is not None)
    updated = to_moment(row.updated_at)
    facts = [text_fact(row.ticket_id, Tone.MUTED)]
    if at.total is None:
        facts.append(text_fact("plan?", Tone.BAD))
    else:
        facts.append(number_fact(FactKind.PROGRESS, at.done, total=at.total))
    if updated is not None:
        age = max((now - updated).total_seconds(), 0.0)
        facts.append(number_fact(FactKind.DURATION, age))
    if at.next_stage is not None and row.closed_at is None:
        worker = workers.on(row.ticket_id, row.project_id, at.next_stage)
        if worker is not None:
            facts.append(text_fact(worker, Tone.ACTIVE, label="@"))
    return CardSummary(
        id=row.ticket_id,
        project_id=row.project_id,
        title=row.title,
        state=at.state,
        updated_at=updated,
        facts=tuple(facts),
    )

"""What the board holds right now, counted in the simulator's write transaction, and how
likely each kind of change is because of it (policy.py says why)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.domain.timefmt import sqlite_timestamp
from ringmaster_tui.sources.ringmaster import workflow as sm
from ringmaster_tui.sources.ringmaster.models import TABLES
from ringmaster_tui.sources.ringmaster.sim import lifecycle, policy

cards = TABLES["cards"]
attempts = TABLES["attempts"]
dependencies = TABLES["card_dependencies"]
decisions = TABLES["decisions"]
alerts = TABLES["alerts"]

OPEN_STATES = tuple(s for s in sm.STATES if s not in (sm.COMPLETED, sm.FAILED, sm.ARCHIVED))


def waited_since() -> sa.ColumnElement[str]:
    """When a card came to its state (a new card: when it was made)."""
    return sa.func.coalesce(cards.c.state_changed_at, cards.c.created_at)


def is_blocked() -> sa.ColumnElement[bool]:
    """The card depends on one that is not finished yet."""
    blocker = cards.alias("blocker")
    return sa.exists().where(
        dependencies.c.card_id == cards.c.id,
        dependencies.c.dependency_type == "blocks",
        blocker.c.id == dependencies.c.depends_on_card_id,
        blocker.c.state.not_in(sm.FINISHED_STATES),
    )


def has_running_attempt() -> sa.ColumnElement[bool]:
    return sa.exists().where(attempts.c.card_id == cards.c.id, attempts.c.status == "running")


@dataclass(frozen=True)
class LaneCount:
    cards: int = 0
    unblocked: int = 0
    """Cards no unfinished card blocks."""
    waited: int = 0
    """Unblocked cards that have waited their lane's patience (person lanes only)."""


@dataclass(frozen=True)
class Census:
    states: Mapping[str, LaneCount]
    running: int
    idle_loops: int
    """Loop cards with no agent running and nothing blocking them."""
    pending_decisions: int
    decisions_due: int
    """Pending decisions that waited long enough for the stand-in to decide."""
    unacknowledged_alerts: int

    def count(self, *states: str) -> int:
        return sum(self.states[s].cards for s in states if s in self.states)

    @property
    def loops(self) -> int:
        return self.count(*sm.ACTIVE_LOOP_STATES)

    @property
    def warming_up(self) -> bool:
        return self.loops < policy.MIN_LOOPS

    def takeable(self, state: str) -> int:
        """Cards in a person's lane the stand-in may take now."""
        lane = policy.PERSON_LANES[state]
        held = self.states.get(state, LaneCount())
        if self.warming_up and state in policy.WARM_UP_LANES:
            return held.unblocked
        gates = {
            sm.DRAFT: self.count(sm.PLANNING) < policy.PLANNING_MAX,
            sm.PLANNING: self.loops < policy.LOOPS_TARGET,
            sm.CODE_REVIEW: self.count(*lifecycle.PIPELINE_STATES) < policy.PIPELINE_MAX,
        }
        if not gates.get(state, True):
            return 0
        return max(0, min(held.waited, held.cards - lane.keep))

    def chances(self) -> dict[str, float]:
        """Each kind of change's chance per second now; a kind with nothing to do has none."""
        new_card = (
            self.count(sm.DRAFT) < policy.DRAFT_TARGET
            and self.count(*OPEN_STATES) < policy.OPEN_CARDS_MAX
        )
        waiting = sum(self.takeable(s) for s in policy.PERSON_LANES)
        if self.pending_decisions < 2:
            ask = policy.DECISION_WHEN_FEW
        elif self.pending_decisions < policy.DECISIONS_MAX:
            ask = policy.DECISION_OTHERWISE
        else:
            ask = 0.0
        per_thing = {
            "start_attempt": policy.PER_IDLE_LOOP * self.idle_loops,
            "finish_attempt": policy.PER_RUNNING_ATTEMPT * self.running,
            "pipeline": policy.PER_PIPELINE_CARD * self.count(*lifecycle.PIPELINE_STATES),
            "stand_in": policy.PER_WAITING_CARD * waiting * (15 if self.warming_up else 1),
            "new_card": policy.NEW_CARD * new_card * (3 if self.warming_up else 1),
            "decision": ask,
            "decide": policy.PER_DECISION_DUE * max(0, self.decisions_due - 1),
            "alert": policy.ALERT,
            "acknowledge": policy.ACKNOWLEDGE * (self.unacknowledged_alerts > policy.ALERTS_KEEP),
        }
        return {kind: policy.PER_SECOND * chance for kind, chance in per_thing.items()}


_LANES = tuple(policy.PERSON_LANES)


def _lane_statement() -> sa.Select[Any]:
    """Per state: its cards, the unblocked ones, and those that waited their patience."""
    blocked = is_blocked()
    waited = sa.case(
        *(
            (
                sa.and_(cards.c.state == state, waited_since() <= sa.bindparam(f"since_{state}")),
                1,
            )
            for state in _LANES
        ),
        else_=0,
    )
    return (
        sa.select(
            cards.c.state,
            sa.func.count(),
            sa.func.sum(sa.case((blocked, 0), else_=1)),
            sa.func.sum(sa.case((blocked, 0), else_=waited)),
        )
        .where(cards.c.state != sm.ARCHIVED)
        .group_by(cards.c.state)
    )


_BY_STATE = _lane_statement()
_TOTALS = sa.select(
    sa.select(sa.func.count())
    .select_from(attempts)
    .where(attempts.c.status == "running")
    .scalar_subquery(),
    sa.select(sa.func.count())
    .select_from(cards)
    .where(cards.c.state.in_(sm.ACTIVE_LOOP_STATES), ~has_running_attempt(), ~is_blocked())
    .scalar_subquery(),
    sa.select(sa.func.count())
    .select_from(decisions)
    .where(decisions.c.status == "pending")
    .scalar_subquery(),
    sa.select(sa.func.count())
    .select_from(decisions)
    .where(
        decisions.c.status == "pending",
        decisions.c.requested_at <= sa.bindparam("decisions_since"),
    )
    .scalar_subquery(),
    sa.select(sa.func.count())
    .select_from(alerts)
    .where(sa.func.coalesce(alerts.c.acknowledged, 0) == 0)
    .scalar_subquery(),
)


def read_census(conn: Connection, now: datetime) -> Census:
    since = {
        f"since_{state}": sqlite_timestamp(now - lane.patience)
        for state, lane in policy.PERSON_LANES.items()
    }
    states = {
        state: LaneCount(count, unblocked or 0, waited or 0)
        for state, count, unblocked, waited in conn.execute(_BY_STATE, since)
    }
    running, idle, pending, due, unacknowledged = conn.execute(
        _TOTALS, {"decisions_since": sqlite_timestamp(now - policy.DECISION_PATIENCE)}
    ).one()
    return Census(states, running, idle, pending, due, unacknowledged)

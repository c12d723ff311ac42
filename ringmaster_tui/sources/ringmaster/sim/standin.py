"""The moves a person would make, made by the simulator so the demo's flow never dries up.

Each is signed with policy.stand_in(role) (in a transition's metadata, a decision's
decided_by, an alert's acknowledged_by), so the audit trail tells them from a person's.
The stand-in takes the card that waited longest, and only what policy.py lets it take.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ringmaster_tui.domain.rules import option_labels
from ringmaster_tui.domain.timefmt import sqlite_timestamp
from ringmaster_tui.domain.values import to_json_text
from ringmaster_tui.sources.ringmaster import workflow as sm
from ringmaster_tui.sources.ringmaster.models import TABLES
from ringmaster_tui.sources.ringmaster.sim import policy, texts
from ringmaster_tui.sources.ringmaster.sim.census import Census, is_blocked, waited_since
from ringmaster_tui.sources.ringmaster.sim.rows import Rows
from ringmaster_tui.sources.ringmaster.transitions import move_card

cards = TABLES["cards"]
projects = TABLES["projects"]
criteria = TABLES["acceptance_criteria"]
decisions = TABLES["decisions"]
alerts = TABLES["alerts"]

_NO_PULL_REQUEST = "no pull request to review; back to the agent"


def take_a_card(rows: Rows, census: Census, now: datetime) -> str | None:
    """Move (or prepare) one card that waits for a person; what it did, or None."""
    lanes = [state for state in policy.PERSON_LANES if census.takeable(state)]
    if not lanes:
        return None
    state = rows.rnd.choices(lanes, [census.takeable(s) for s in lanes])[0]
    lane = policy.PERSON_LANES[state]
    rushed = census.warming_up and state in policy.WARM_UP_LANES
    card = _longest_waiting(rows, state, None if rushed else now - lane.patience)
    if card is None:
        return None
    actor: dict[str, Any] = {"by": policy.stand_in(lane.role)}
    if state == sm.DRAFT:
        move = sm.START_PLANNING
    elif state == sm.PLANNING:
        if not card.criteria:
            # The plan cannot be approved without criteria: the planner writes some first.
            spec = texts.spec_for(card.project, card.tech_stack)
            rows.criteria(card.id, texts.criteria_for(rows.rnd, spec, card.title), now)
            return "stand_in add_criteria"
        move = sm.APPROVE_PLAN
    elif state == sm.CODE_REVIEW:
        if card.pull_request_url:
            move = sm.APPROVE_REVIEW
        else:
            move, actor = sm.REJECT_REVIEW, {**actor, "note": _NO_PULL_REQUEST}
    else:
        move = sm.ARCHIVE
    if not move_card(rows.conn, card.id, state, move.to_state, move.trigger, actor, at=now):
        return None
    rows.tally["transitions"] += 1
    rows.tally["stand_in_moves"] += 1
    return f"stand_in {move.trigger}"


def _longest_waiting(rows: Rows, state: str, since: datetime | None) -> Any:
    params = {"state": state, "since": None if since is None else sqlite_timestamp(since)}
    return rows.conn.execute(_LONGEST_WAITING[since is not None], params).first()


def _longest_waiting_statement(patient: bool) -> sa.Select[Any]:
    has_criteria = (
        sa.select(sa.func.count())
        .where(criteria.c.card_id == cards.c.id)
        .scalar_subquery()
        .label("criteria")
    )
    query = (
        sa.select(
            cards.c.id,
            cards.c.title,
            cards.c.pull_request_url,
            has_criteria,
            projects.c.name.label("project"),
            projects.c.tech_stack,
        )
        .select_from(cards.join(projects, projects.c.id == cards.c.project_id))
        .where(cards.c.state == sa.bindparam("state"), ~is_blocked())
        .order_by(waited_since(), cards.c.id)
        .limit(1)
    )
    return query.where(waited_since() <= sa.bindparam("since")) if patient else query


# Built once: building a statement costs more than running it, step after step.
_LONGEST_WAITING = {patient: _longest_waiting_statement(patient) for patient in (False, True)}


def decide(rows: Rows, now: datetime) -> str | None:
    """Decide the decision that waited longest (past the stand-in's patience)."""
    due = rows.conn.execute(
        sa.select(decisions.c.id, decisions.c.options)
        .where(
            decisions.c.status == "pending",
            decisions.c.requested_at <= sqlite_timestamp(now - policy.DECISION_PATIENCE),
        )
        .order_by(decisions.c.requested_at, decisions.c.id)
        .limit(1)
    ).first()
    if due is None:
        return None
    options = option_labels(to_json_text(due.options))
    decided = rows.conn.execute(
        sa.update(decisions)
        .where(decisions.c.id == due.id, decisions.c.status == "pending")
        .values(
            status="decided",
            decided_by=policy.stand_in("a tech lead"),
            decided_at=sqlite_timestamp(now),
            choice=rows.rnd.choice(options) if options else None,
        )
    )
    if decided.rowcount != 1:
        return None
    rows.tally["decisions_decided"] += 1
    return "stand_in decide"


def acknowledge(rows: Rows, now: datetime) -> str | None:
    """Acknowledge the oldest alert nobody acknowledged."""
    oldest = rows.conn.execute(
        sa.select(alerts.c.id)
        .where(sa.func.coalesce(alerts.c.acknowledged, 0) == 0)
        .order_by(alerts.c.created_at, alerts.c.id)
        .limit(1)
    ).first()
    if oldest is None:
        return None
    rows.conn.execute(
        sa.update(alerts)
        .where(alerts.c.id == oldest.id)
        .values(
            acknowledged=1,
            acknowledged_by=policy.stand_in("the on-call engineer"),
            acknowledged_at=sqlite_timestamp(now),
        )
    )
    rows.tally["alerts_acknowledged"] += 1
    return "stand_in acknowledge"

"""The board: stories in lanes by status, each lane's count and its first cards, with a
card's facts (story id, repo, agent, attempts) and a mark when a dependency is not done."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from ringmaster_tui.domain.snapshot import BoardQuery, CardSummary, LaneView
from ringmaster_tui.domain.views import FactKind, number_fact, text_fact
from ringmaster_tui.domain.workflow import OTHER_LANE, Tone
from ringmaster_tui.engines.sql import ascending
from ringmaster_tui.sources.ralph.models import stories
from ringmaster_tui.sources.ralph.read.context import Reading, cut
from ringmaster_tui.sources.ralph.read.scope import feature_group, story_conditions
from ringmaster_tui.sources.ralph.workflow import FINISHED, WORKFLOW

# How a story with no status at all is counted (NULL in the column).
NO_STATUS = "(none)"

CARD_COLUMNS = (
    stories.c.id,
    stories.c.feature_id,
    stories.c.story_id,
    stories.c.repo,
    stories.c.title,
    stories.c.priority,
    stories.c.status,
    stories.c.dependencies,
    stories.c.assigned_agent,
    stories.c.attempt_count,
    stories.c.updated_at,
)


def dependency_ids(stored: object) -> tuple[str, ...]:
    """The story ids a `dependencies` column names; none when it is no JSON array."""
    if isinstance(stored, str | bytes):
        try:
            stored = json.loads(stored)
        except (ValueError, RecursionError):
            return ()
    if not isinstance(stored, list):  # PostgreSQL's json arrives parsed
        return ()
    return tuple(str(item) for item in stored if isinstance(item, str | int))


def dependency_statuses(
    reading: Reading, wanted: Iterable[tuple[int, str]]
) -> dict[tuple[int, str], str | None]:
    """The status of each (feature, story id) asked for that exists (story ids are a
    feature's own: its PRD numbers them)."""
    pairs = set(wanted)
    if not pairs:
        return {}
    feature_ids = {feature for feature, _ in pairs}
    story_ids = {story for _, story in pairs}
    rows = reading.run(
        sa.select(stories.c.feature_id, stories.c.story_id, stories.c.status).where(
            stories.c.feature_id.in_(feature_ids), stories.c.story_id.in_(story_ids)
        )
    )
    return {
        (row.feature_id, row.story_id): row.status
        for row in rows
        if (row.feature_id, row.story_id) in pairs
    }


class CardCache:
    """The last snapshot's cards by the row they were built from: a refresh rebuilds only
    the cards whose row changed (building hundreds of models costs more than the reads)."""

    def __init__(self) -> None:
        self._last: dict[tuple[object, ...], CardSummary] = {}
        self._next: dict[tuple[object, ...], CardSummary] = {}

    def card(self, row: Any, blocked: bool) -> CardSummary:
        key = (*row, blocked)
        card = self._last.get(key) or _card(row, blocked)
        self._next[key] = card
        return card

    def next_snapshot(self) -> None:
        self._last, self._next = self._next, {}


class BoardReader:
    def __init__(self, reading: Reading, query: BoardQuery, cache: CardCache) -> None:
        self.reading = reading
        self.query = query
        self.cache = cache
        self.where = story_conditions(query.project_id, query.text)

    def states(self) -> dict[str, int]:
        rows = self.reading.rows(
            sa.select(stories.c.status, sa.func.count().label("count"))
            .where(*self.where)
            .group_by(stories.c.status)
        )
        counts: dict[str, int] = {}
        for row in rows:
            status, number = row.status, row.count
            key = NO_STATUS if status is None else str(status)
            counts[key] = counts.get(key, 0) + int(number)
        return counts

    def lanes(self, states: dict[str, int]) -> tuple[LaneView, ...]:
        groups = WORKFLOW.lane_groups(states, show_hidden=False)
        read: list[tuple[str, int, list[Any]]] = []
        for name, lane_states in groups:
            count = sum(states.get(s, 0) for s in lane_states)
            # Depth 0: counted, not shown (`status`).
            rows = self._cards(name, lane_states) if count and self.query.depth_of(name) else []
            read.append((name, count, rows))
        blocked = self._blocked([row for _, _, rows in read for row in rows])
        return tuple(
            LaneView(
                name=name,
                count=count,
                cards=tuple(self.cache.card(row, row.id in blocked) for row in rows),
            )
            for name, count, rows in read
        )

    def _cards(self, lane: str, lane_states: Sequence[str]) -> list[Any]:
        status: sa.ColumnElement[bool]
        if lane == OTHER_LANE:
            unknown = [s for s in lane_states if s != NO_STATUS]
            status = stories.c.status.in_(unknown)
            if NO_STATUS in lane_states:
                status = sa.or_(status, stories.c.status.is_(None))
        else:
            # One status per lane: the (status, priority, id) index gives them in order.
            status = (
                stories.c.status == lane_states[0]
                if len(lane_states) == 1
                else stories.c.status.in_(lane_states)
            )
        statement = (
            sa.select(*CARD_COLUMNS)
            .where(status, *self.where)
            .order_by(ascending(stories.c.priority), stories.c.id)
            .limit(self.query.depth_of(lane))
        )
        return list(self.reading.run(statement))

    def _blocked(self, rows: Sequence[Any]) -> set[int]:
        wanted = {(row.feature_id, dep) for row in rows for dep in dependency_ids(row.dependencies)}
        statuses = dependency_statuses(self.reading, wanted)
        return {
            row.id
            for row in rows
            if any(
                statuses.get((row.feature_id, dep)) != FINISHED
                for dep in dependency_ids(row.dependencies)
            )
        }


def _card(row: Any, blocked: bool) -> CardSummary:
    # Who is on it and how often it was tried first: a narrow lane cuts the line's end.
    facts = [text_fact(cut(row.story_id, 20))]
    if row.assigned_agent:
        facts.append(text_fact(cut(row.assigned_agent, 30), Tone.ACTIVE, label="@"))
    if row.attempt_count:
        tone = Tone.BAD if (row.attempt_count or 0) >= 3 else Tone.PLAIN
        facts.append(number_fact(FactKind.COUNT, row.attempt_count, label="att ", tone=tone))
    if row.repo:
        facts.append(text_fact(cut(row.repo, 20), Tone.MUTED))
    return CardSummary(
        id=str(row.id),
        project_id=feature_group(row.feature_id),
        title=cut(row.title) or f"story {row.id}",
        state=NO_STATUS if row.status is None else str(row.status),
        updated_at=row.updated_at,
        priority=row.priority if isinstance(row.priority, int) else None,
        blocked=blocked,
        facts=tuple(facts),
    )

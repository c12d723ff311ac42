"""The board: tests as cards in lanes by status, the first ones of each lane by id, the
loops as the picker's groups."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from ringmaster_tui.domain.snapshot import CardSummary, LaneView, Project
from ringmaster_tui.domain.values import to_moment
from ringmaster_tui.domain.views import Fact, FactKind, number_fact, text_fact
from ringmaster_tui.domain.workflow import Tone
from ringmaster_tui.engines.sql import ascending
from ringmaster_tui.sources.coordination import workflow as wf
from ringmaster_tui.sources.coordination.read.common import (
    TITLE_CHARS,
    AnyRow,
    Reading,
    cut_text,
    like_pattern,
    matches,
)
from ringmaster_tui.sources.coordination.tables import loops, tests

LAST_RESULT_TONES: dict[str, Tone] = {"pass": Tone.GOOD, "fail": Tone.BAD, "blocked": Tone.WAITING}
# A test in one of these states no longer waits for its dependency.
SETTLED: frozenset[str] = frozenset({wf.PASSED, wf.SKIPPED})
LOOP_LIMIT = 500


def text_filter() -> sa.ColumnElement[bool]:
    pattern = sa.bindparam("test_pattern", type_=sa.String)
    return matches(pattern, tests.c.id, tests.c.category, tests.c.notes, tests.c.loop_id)


def _filters(by_loop: bool, by_text: bool) -> list[sa.ColumnElement[bool]]:
    found: list[sa.ColumnElement[bool]] = []
    if by_loop:
        found.append(tests.c.loop_id == sa.bindparam("loop_id", type_=sa.String))
    if by_text:
        found.append(text_filter())
    return found


@functools.lru_cache(maxsize=4)
def counts_statement(by_loop: bool) -> sa.CompoundSelect[Any]:
    """Tests by status (NULL for those without one), from the (loop, status) or status
    index alone on every engine: the statuses present are found by one seek each, from
    one to the next, and each is counted over its own range of the index. (A GROUP BY
    reads every entry; PostgreSQL's planner reads the whole table for it.)"""
    following = tests.alias("following")
    counted = tests.alias("counted")

    def of_loop(table: sa.FromClause) -> list[sa.ColumnElement[bool]]:
        return [table.c.loop_id == sa.bindparam("loop_id", type_=sa.String)] if by_loop else []

    def first_status(*after: sa.ColumnElement[bool]) -> sa.ScalarSelect[Any]:
        return (
            sa.select(following.c.status)
            .where(following.c.status.is_not(None), *after, *of_loop(following))
            .order_by(ascending(following.c.status))
            .limit(1)
            .scalar_subquery()
        )

    present = sa.select(first_status().label("status")).cte("present_statuses", recursive=True)
    present = present.union_all(
        sa.select(first_status(following.c.status > present.c.status)).where(
            present.c.status.is_not(None)
        )
    )
    per_status = (
        sa.select(sa.func.count())
        .select_from(counted)
        .where(counted.c.status == present.c.status, *of_loop(counted))
        .scalar_subquery()
    )
    without_status = sa.select(
        sa.null().label("status"),
        sa.select(sa.func.count())
        .select_from(counted)
        .where(counted.c.status.is_(None), *of_loop(counted))
        .scalar_subquery()
        .label("n"),
    )
    return (
        sa.select(present.c.status, per_status.label("n"))
        .where(present.c.status.is_not(None))
        .union_all(without_status)
    )


# A test without a status counts under this one (in the OTHER lane): nothing is lost.
NO_STATUS = ""


@functools.lru_cache(maxsize=8)
def filtered_count_statement(by_loop: bool, no_status: bool) -> sa.Select[Any]:
    """Tests of one status (or none) that match the filter, through the status index."""
    status = tests.c.status.is_(None) if no_status else tests.c.status == sa.bindparam("status")
    return sa.select(sa.func.count()).where(status, *_filters(by_loop, True))


@functools.lru_cache(maxsize=32)
def lane_statement(states: int, by_loop: bool, by_text: bool, no_status: bool) -> sa.Select[Any]:
    """A lane's first tests by id (`states` statuses, bound as status_0 ..., and those
    with no status when `no_status`)."""
    status_in: sa.ColumnElement[bool] = tests.c.status.in_(
        [sa.bindparam(f"status_{n}", type_=sa.String) for n in range(states)]
    )
    if no_status:
        status_in = sa.or_(status_in, tests.c.status.is_(None))
    return (
        sa.select(
            tests.c.id,
            tests.c.loop_id,
            tests.c.category,
            tests.c.status,
            tests.c.attempts,
            tests.c.max_attempts,
            tests.c.last_result,
            tests.c.depends_on,
            cut_text(tests.c.notes, TITLE_CHARS).label("notes"),
            tests.c.last_attempt_at,
            tests.c.verified_at,
            tests.c.created_at,
        )
        .where(status_in, *_filters(by_loop, by_text))
        .order_by(ascending(tests.c.id))
        .limit(sa.bindparam("depth", type_=sa.Integer))
    )


def dependency_statement(size: int) -> sa.Select[Any]:
    """The statuses of some tests, by id."""
    ids = [sa.bindparam(f"dep_{n}", type_=sa.String) for n in range(size)]
    return sa.select(tests.c.id, tests.c.status).where(tests.c.id.in_(ids))


LOOPS_STATEMENT = (
    sa.select(loops.c.id, loops.c.name).order_by(ascending(loops.c.id)).limit(LOOP_LIMIT)
)


class BoardReader:
    def __init__(self, reading: Reading) -> None:
        self.r = reading
        self.query = reading.query
        self.params: dict[str, Any] = {
            "loop_id": self.query.project_id,
            "test_pattern": like_pattern(self.query.text),
        }

    def state_counts(self, *, filtered: bool) -> dict[str, int]:
        by_loop = bool(self.query.project_id)
        rows = self.r.execute(counts_statement(by_loop), self.params)
        counts: dict[str, int] = {}
        for r in rows:
            status = NO_STATUS if r.status is None else str(r.status)
            if r.n:
                counts[status] = counts.get(status, 0) + int(r.n)
        if not filtered or not self.query.text:
            return counts
        found = {
            status: int(
                self.r.execute(
                    filtered_count_statement(by_loop, status == NO_STATUS),
                    {**self.params, "status": status},
                ).scalar_one()
            )
            for status in counts
        }
        return {status: n for status, n in found.items() if n}

    def lanes(self, counts: dict[str, int]) -> tuple[LaneView, ...]:
        workflow = wf.WORKFLOW
        by_loop, by_text = bool(self.query.project_id), bool(self.query.text)
        groups = workflow.lane_groups(counts, show_hidden=False)
        rows_by_lane: dict[str, list[AnyRow]] = {}
        for name, states in groups:
            present = [s for s in states if counts.get(s)]
            if not present or not self.query.depth_of(name):  # depth 0: counted, not shown
                rows_by_lane[name] = []
                continue
            no_status = NO_STATUS in present
            named = [s for s in present if s != NO_STATUS] or [NO_STATUS]
            params = {
                **self.params,
                **{f"status_{n}": s for n, s in enumerate(named)},
                "depth": self.query.depth_of(name),
            }
            statement = lane_statement(len(named), by_loop, by_text, no_status)
            rows_by_lane[name] = list(self.r.execute(statement, params))
        waiting = self._unfinished_dependencies([r for rows in rows_by_lane.values() for r in rows])
        return tuple(
            LaneView(
                name=name,
                count=sum(counts.get(s, 0) for s in states),
                cards=tuple(_card(r, waiting) for r in rows_by_lane[name]),
            )
            for name, states in groups
        )

    def _unfinished_dependencies(self, rows: Sequence[AnyRow]) -> set[str]:
        """The shown tests' dependencies that have not passed (or do not exist)."""
        wanted = sorted({r.depends_on for r in rows if r.depends_on and r.status not in SETTLED})
        passed: set[str] = set()
        for start in range(0, len(wanted), 100):
            chunk = wanted[start : start + 100]
            params = {f"dep_{n}": dep for n, dep in enumerate(chunk)}
            for r in self.r.execute(dependency_statement(len(chunk)), params):
                if r.status == wf.PASSED:
                    passed.add(r.id)
        return set(wanted) - passed

    def loops(self) -> tuple[Project, ...]:
        if not self.r.has("loops"):
            return ()
        rows = self.r.execute(LOOPS_STATEMENT)
        return tuple(Project(id=r.id, name=r.name or r.id) for r in rows)


def card_title(test_id: str, notes: str | None) -> str:
    """The test's id and the first line of its notes."""
    first = (notes or "").strip().splitlines()[0].strip() if (notes or "").strip() else ""
    return f"{test_id} {first}" if first else test_id


def _card(r: AnyRow, waiting: set[str]) -> CardSummary:
    # Attempts and the last result first: the loop is the picker's, often chosen already.
    facts: list[Fact] = []
    if r.attempts is not None or r.max_attempts is not None:
        used_up = (
            r.attempts is not None and r.max_attempts is not None and r.attempts >= r.max_attempts
        )
        facts.append(
            number_fact(
                FactKind.PROGRESS,
                r.attempts,
                total=r.max_attempts,
                label="att ",
                tone=Tone.BAD if used_up else Tone.PLAIN,
            )
        )
    if r.last_result:
        facts.append(text_fact(r.last_result, LAST_RESULT_TONES.get(r.last_result, Tone.PLAIN)))
    if r.status == wf.PASSED:
        facts.append(
            text_fact("verified", Tone.GOOD)
            if r.verified_at
            else text_fact("unverified", Tone.WAITING)
        )
    if r.category:
        facts.append(text_fact(r.category))
    if r.loop_id:
        facts.append(text_fact(r.loop_id, Tone.MUTED))
    return CardSummary(
        id=r.id,
        project_id=r.loop_id or "",
        title=card_title(r.id, r.notes),
        state=r.status if r.status is not None else NO_STATUS,
        updated_at=to_moment(r.last_attempt_at) or to_moment(r.created_at),
        blocked=bool(r.depends_on) and r.depends_on in waiting,
        facts=tuple(facts),
    )

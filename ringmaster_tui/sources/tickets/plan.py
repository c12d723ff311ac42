"""A ticket's execution plan and where the ticket stands in it.

`execution_plan` is a JSON array of worker types ("planner", "coder", ...);
`last_completed_stage` starts at "Planned" and names the last worker type that finished.
A ticket's board state is the stage it waits for next, so a lane reads "waiting for the
coder"; a closed ticket is Closed; a finished plan not yet closed is Done.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

PLANNED = "Planned"
"""last_completed_stage before any stage finished; also the lane of a ticket whose plan
names no stage yet."""
DONE = "Done"
"""Every stage of the plan finished, the ticket not closed."""
CLOSED = "Closed"
UNREADABLE_PLAN = "plan unreadable"
"""The state (in OTHER) of a ticket whose execution_plan is no JSON list of names."""
NOT_IN_PLAN = " (not in plan)"
"""Appended to a last_completed_stage the plan does not name: such a ticket is in OTHER."""


@lru_cache(maxsize=4096)
def parse_plan(text: str | None) -> tuple[str, ...] | None:
    """The plan's stages in order; None when the text is no JSON array of strings.

    Cached: many tickets share a plan's text, and the board reads it for each lane group.
    """
    if text is None:
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        return None
    return tuple(value)


@dataclass(frozen=True)
class Position:
    """Where a ticket is in its plan."""

    state: str
    """Its board state: the next stage's name, Planned, Done, Closed, or an unknown one."""
    done: int
    """Stages finished."""
    total: int | None
    """Stages in the plan; None when the plan does not parse."""
    next_stage: str | None
    next_number: int | None
    """The next stage's place in the plan, from 1 (comments' stage_number)."""

    @property
    def current_number(self) -> int:
        """The stage a comment written now belongs to: the next one, else the last done."""
        return self.next_number if self.next_number is not None else self.done


def completed_count(stages: tuple[str, ...], last_completed: str | None) -> int | None:
    """How many stages are done; None when last_completed is no stage of the plan.

    A plan naming a worker type twice is read at its first mention (the column holds a
    name, not a place).
    """
    if last_completed == PLANNED:
        return 0
    if last_completed in stages:
        return stages.index(last_completed) + 1
    return None


def position(plan_text: str | None, last_completed: str | None, closed: bool) -> Position:
    stages = parse_plan(plan_text)
    if stages is None:
        state = CLOSED if closed else UNREADABLE_PLAN
        return Position(state, 0, None, None, None)
    done = completed_count(stages, last_completed)
    if done is None:
        state = CLOSED if closed else f"{last_completed}{NOT_IN_PLAN}"
        return Position(state, 0, len(stages), None, None)
    if done >= len(stages):
        return Position(
            CLOSED if closed else (DONE if stages else PLANNED), done, len(stages), None, None
        )
    next_stage = stages[done]
    return Position(CLOSED if closed else next_stage, done, len(stages), next_stage, done + 1)


def stage_before(stages: tuple[str, ...], stage: str) -> str:
    """The last_completed_stage that makes `stage` the next one: the one before it."""
    index = stages.index(stage)
    return stages[index - 1] if index else PLANNED


def stage_name(stages: tuple[str, ...] | None, number: int | None) -> str:
    """A comment's stage_number as the reader knows it ("2 · coder")."""
    if number is None:
        return "no stage"
    if number == 0:
        return PLANNED
    if stages is not None and 1 <= number <= len(stages):
        return f"{number} · {stages[number - 1]}"
    return f"stage {number}"

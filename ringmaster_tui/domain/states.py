"""The card state machine: states, board lanes, user triggers with guards, system moves.

Pure data and rules: the app, the actions and the simulator all read this one module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

DRAFT = "draft"
PLANNING = "planning"
CODING = "coding"
CODE_REVIEW = "code_review"
TESTING = "testing"
BUILD_QUEUE = "build_queue"
BUILDING = "building"
BUILD_SUCCESS = "build_success"
BUILD_FAILED = "build_failed"
DEPLOY_QUEUE = "deploy_queue"
DEPLOYING = "deploying"
VERIFYING = "verifying"
COMPLETED = "completed"
ERROR_FIXING = "error_fixing"
ARCHIVED = "archived"
FAILED = "failed"

STATES: tuple[str, ...] = (
    DRAFT,
    PLANNING,
    CODING,
    CODE_REVIEW,
    TESTING,
    BUILD_QUEUE,
    BUILDING,
    BUILD_SUCCESS,
    BUILD_FAILED,
    DEPLOY_QUEUE,
    DEPLOYING,
    VERIFYING,
    COMPLETED,
    ERROR_FIXING,
    ARCHIVED,
    FAILED,
)

# Cards whose agent loop is running.
ACTIVE_LOOP_STATES: tuple[str, ...] = (CODING, ERROR_FIXING)
# A dependency in one of these states no longer blocks the card that depends on it.
FINISHED_STATES: tuple[str, ...] = (COMPLETED, ARCHIVED)


@dataclass(frozen=True)
class Lane:
    """A board column and the states it holds."""

    name: str
    states: tuple[str, ...]


LANES: tuple[Lane, ...] = (
    Lane("DRAFT", (DRAFT,)),
    Lane("PLANNING", (PLANNING,)),
    Lane("CODING", (CODING, ERROR_FIXING)),
    Lane("REVIEW", (CODE_REVIEW,)),
    Lane("TESTING", (TESTING,)),
    Lane("BUILD", (BUILD_QUEUE, BUILDING, BUILD_SUCCESS, BUILD_FAILED)),
    Lane("DEPLOY", (DEPLOY_QUEUE, DEPLOYING, VERIFYING)),
    Lane("DONE", (COMPLETED,)),
    Lane("FAILED", (FAILED,)),
)
LANE_NAMES: tuple[str, ...] = tuple(lane.name for lane in LANES)
# Where a state this app does not know is shown; never a crash.
OTHER_LANE = "OTHER"
# Archived cards are hidden from the board unless asked for; they have a lane then.
ARCHIVED_LANE = "ARCHIVED"

_LANE_OF_STATE: dict[str, str] = {state: lane.name for lane in LANES for state in lane.states}
_LANE_OF_STATE[ARCHIVED] = ARCHIVED_LANE


def lane_of(state: str) -> str:
    """The lane a card in `state` is shown in (OTHER for an unknown state)."""
    return _LANE_OF_STATE.get(state, OTHER_LANE)


def is_known_state(state: str) -> bool:
    return state in _LANE_OF_STATE


# --- System transitions: the orchestrator's moves, shown but never triggered here ---

SYSTEM_TRANSITIONS: dict[str, tuple[str, ...]] = {
    CODING: (CODE_REVIEW, ERROR_FIXING),
    TESTING: (BUILD_QUEUE, ERROR_FIXING),
    BUILD_QUEUE: (BUILDING,),
    BUILDING: (BUILD_SUCCESS, BUILD_FAILED),
    BUILD_SUCCESS: (DEPLOY_QUEUE,),
    BUILD_FAILED: (ERROR_FIXING, FAILED),
    DEPLOY_QUEUE: (DEPLOYING,),
    DEPLOYING: (VERIFYING, ERROR_FIXING),
    VERIFYING: (COMPLETED, ERROR_FIXING),
    ERROR_FIXING: (CODING, BUILD_QUEUE, DEPLOY_QUEUE, FAILED),
}


def is_system_transition(from_state: str, to_state: str) -> bool:
    return to_state in SYSTEM_TRANSITIONS.get(from_state, ())


# --- User triggers: what a person does from the TUI ---


@dataclass(frozen=True)
class CardFacts:
    """What the guards need to know about a card, read in the same transaction."""

    acceptance_criteria: int
    pull_request_url: str | None


Guard = Callable[[CardFacts], str | None]
"""Returns why the transition is refused, or None when it is allowed."""


def _has_acceptance_criteria(facts: CardFacts) -> str | None:
    if facts.acceptance_criteria > 0:
        return None
    return "the card has no acceptance criteria; add at least one before approving the plan"


def _has_pull_request(facts: CardFacts) -> str | None:
    if facts.pull_request_url:
        return None
    return "the card has no pull request URL; the review cannot be approved without one"


@dataclass(frozen=True)
class UserTrigger:
    name: str
    from_states: tuple[str, ...]
    to_state: str
    guard: Guard | None = None

    def refusal(self, facts: CardFacts) -> str | None:
        return self.guard(facts) if self.guard else None


START_PLANNING = UserTrigger("start_planning", (DRAFT,), PLANNING)
APPROVE_PLAN = UserTrigger("approve_plan", (PLANNING,), CODING, _has_acceptance_criteria)
REJECT_PLAN = UserTrigger("reject_plan", (PLANNING,), DRAFT)
APPROVE_REVIEW = UserTrigger("approve_review", (CODE_REVIEW,), TESTING, _has_pull_request)
REJECT_REVIEW = UserTrigger("reject_review", (CODE_REVIEW,), CODING)
ARCHIVE = UserTrigger("archive", (COMPLETED, FAILED), ARCHIVED)

USER_TRIGGERS: tuple[UserTrigger, ...] = (
    START_PLANNING,
    APPROVE_PLAN,
    REJECT_PLAN,
    APPROVE_REVIEW,
    REJECT_REVIEW,
    ARCHIVE,
)
# Any state to any other, after an explicit confirmation.
FORCE = "force"
# Reverting the last transition made from this app; recorded like any other.
UNDO = "undo"

# The user's intents (keys a, r, A) and the triggers each may mean.
APPROVE_INTENT: tuple[UserTrigger, ...] = (START_PLANNING, APPROVE_PLAN, APPROVE_REVIEW)
REJECT_INTENT: tuple[UserTrigger, ...] = (REJECT_PLAN, REJECT_REVIEW)
ARCHIVE_INTENT: tuple[UserTrigger, ...] = (ARCHIVE,)


def trigger_for(intent: tuple[UserTrigger, ...], state: str) -> UserTrigger | None:
    """The trigger an intent means for a card in `state`, if any."""
    for trigger in intent:
        if state in trigger.from_states:
            return trigger
    return None


def trigger_named(name: str) -> UserTrigger | None:
    for trigger in USER_TRIGGERS:
        if trigger.name == name:
            return trigger
    return None


def force_targets(state: str) -> tuple[str, ...]:
    """Every state a card in `state` can be forced to."""
    return tuple(s for s in STATES if s != state)

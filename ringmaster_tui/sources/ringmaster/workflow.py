"""Ringmaster's card state machine as data: states, board lanes, the moves a person makes
with their guards, and the orchestrator's own (system) moves.

The board, the force picker and the keys are built from WORKFLOW; the actions, the
retention policy and the simulator read the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ringmaster_tui.domain.workflow import Guard, Intent, Lane, Move, Tone, Workflow

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


LANES: tuple[Lane, ...] = (
    Lane("DRAFT", (DRAFT,), Tone.WAITING),
    Lane("PLANNING", (PLANNING,), Tone.WAITING, "PLAN"),
    Lane("CODING", (CODING, ERROR_FIXING), Tone.ACTIVE, "CODE"),
    Lane("REVIEW", (CODE_REVIEW,), Tone.WAITING),
    Lane("TESTING", (TESTING,), Tone.ACTIVE, "TEST"),
    Lane("BUILD", (BUILD_QUEUE, BUILDING, BUILD_SUCCESS, BUILD_FAILED), Tone.ACTIVE),
    Lane("DEPLOY", (DEPLOY_QUEUE, DEPLOYING, VERIFYING), Tone.ACTIVE),
    Lane("DONE", (COMPLETED,), Tone.GOOD),
    Lane("FAILED", (FAILED,), Tone.BAD),
)


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


HAS_CRITERIA = Guard(
    "has_acceptance_criteria",
    "the card has no acceptance criteria; add at least one before approving the plan",
)
HAS_PULL_REQUEST = Guard(
    "has_pull_request",
    "the card has no pull request URL; the review cannot be approved without one",
)
_GUARD_CHECKS: dict[str, Callable[[CardFacts], bool]] = {
    HAS_CRITERIA.name: lambda facts: facts.acceptance_criteria > 0,
    HAS_PULL_REQUEST.name: lambda facts: bool(facts.pull_request_url),
}


def refusal(move: Move, facts: CardFacts) -> str | None:
    """Why `move` is refused for a card with `facts`, or None when it is allowed."""
    if move.guard is None or _GUARD_CHECKS[move.guard.name](facts):
        return None
    return move.guard.refusal


START_PLANNING = Move("start_planning", Intent.APPROVE, (DRAFT,), PLANNING)
APPROVE_PLAN = Move("approve_plan", Intent.APPROVE, (PLANNING,), CODING, HAS_CRITERIA)
REJECT_PLAN = Move("reject_plan", Intent.REJECT, (PLANNING,), DRAFT)
APPROVE_REVIEW = Move("approve_review", Intent.APPROVE, (CODE_REVIEW,), TESTING, HAS_PULL_REQUEST)
REJECT_REVIEW = Move("reject_review", Intent.REJECT, (CODE_REVIEW,), CODING)
ARCHIVE = Move("archive", Intent.ARCHIVE, (COMPLETED, FAILED), ARCHIVED)

USER_TRIGGERS: tuple[Move, ...] = (
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

WORKFLOW = Workflow(
    states=STATES,
    lanes=LANES,
    moves=USER_TRIGGERS,
    hidden_states=(ARCHIVED,),
    force_trigger=FORCE,
    undo_trigger=UNDO,
    short_names={ERROR_FIXING: "fixing"},
)

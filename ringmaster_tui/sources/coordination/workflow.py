"""A test's statuses as seed 003 lists them, the board's lanes, and the moves a person
makes on a test: unblock, retry and skip (each recorded as an event from `human`)."""

from __future__ import annotations

from ringmaster_tui.domain.workflow import Guard, Intent, Lane, Move, Tone, Workflow

PENDING = "pending"
IN_PROGRESS = "in_progress"
BLOCKED = "blocked"
FAILED = "failed"
PASSED = "passed"
SKIPPED = "skipped"

STATES: tuple[str, ...] = (PENDING, IN_PROGRESS, BLOCKED, FAILED, PASSED, SKIPPED)

UNBLOCK = "unblock"
RETRY = "retry"
SKIP = "skip"
FORCE = "force"

ATTEMPTS_LEFT = Guard(
    "attempts_left",
    "it has used all its attempts (force it with f to retry anyway)",
)

# A forced move may only hand a test back to the loops or take it out of their way:
# marking it passed or in progress by hand would claim work no loop did.
FORCE_TARGETS: frozenset[str] = frozenset({PENDING, BLOCKED, SKIPPED})

# The event type each move publishes on the bus (source `human`).
EVENT_TYPES: dict[str, str] = {
    UNBLOCK: "test_unblocked",
    RETRY: "test_retry_requested",
    SKIP: "test_skipped",
    FORCE: "test_forced",
}

WORKFLOW = Workflow(
    states=STATES,
    lanes=(
        Lane("PENDING", (PENDING,), Tone.PLAIN),
        Lane("IN PROGRESS", (IN_PROGRESS,), Tone.ACTIVE),
        Lane("BLOCKED", (BLOCKED,), Tone.WAITING),
        Lane("FAILED", (FAILED,), Tone.BAD),
        Lane("PASSED", (PASSED,), Tone.GOOD),
        Lane("SKIPPED", (SKIPPED,), Tone.MUTED),
    ),
    moves=(
        Move(UNBLOCK, Intent.APPROVE, (BLOCKED,), PENDING),
        Move(RETRY, Intent.APPROVE, (FAILED,), PENDING, guard=ATTEMPTS_LEFT),
        Move(SKIP, Intent.ARCHIVE, (PENDING, BLOCKED), SKIPPED),
    ),
    force_trigger=FORCE,
    short_names={IN_PROGRESS: "in prog"},
)


def refusal(trigger: str, attempts: int | None, max_attempts: int | None) -> str | None:
    """Why a move's guard refuses a test with these attempts; None when it allows it."""
    move = WORKFLOW.move_named(trigger)
    if move is None or move.guard is not ATTEMPTS_LEFT:
        return None
    if attempts is not None and max_attempts is not None and attempts >= max_attempts:
        return f"{ATTEMPTS_LEFT.refusal} ({attempts}/{max_attempts})"
    return None

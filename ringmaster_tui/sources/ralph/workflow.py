"""Ralph's story workflow as data: the statuses, the board's lanes, and the three moves a
person makes (approve a review, send a story back, retry a failed one)."""

from __future__ import annotations

from ringmaster_tui.domain.workflow import Intent, Lane, Move, Tone, Workflow

PENDING = "pending"
IN_PROGRESS = "in_progress"
REVIEW = "review"
TESTING = "testing"
REWORK = "rework"
DONE = "done"
FAILED = "failed"

STATES: tuple[str, ...] = (PENDING, IN_PROGRESS, REVIEW, TESTING, REWORK, DONE, FAILED)

LANES: tuple[Lane, ...] = (
    Lane("PENDING", (PENDING,), Tone.PLAIN),
    Lane("IN PROGRESS", (IN_PROGRESS,), Tone.ACTIVE),
    Lane("REVIEW", (REVIEW,), Tone.WAITING),
    Lane("TESTING", (TESTING,), Tone.ACTIVE),
    Lane("REWORK", (REWORK,), Tone.WAITING),
    Lane("DONE", (DONE,), Tone.GOOD),
    Lane("FAILED", (FAILED,), Tone.BAD),
)

APPROVE = Move("approve", Intent.APPROVE, (REVIEW,), TESTING)
SEND_BACK = Move(
    "send_back",
    Intent.REJECT,
    (REVIEW, TESTING),
    REWORK,
    asks="What should the agent rework?",
)
RETRY = Move("retry", Intent.APPROVE, (FAILED,), PENDING)

WORKFLOW = Workflow(
    states=STATES,
    lanes=LANES,
    moves=(APPROVE, SEND_BACK, RETRY),
    short_names={IN_PROGRESS: "in prog"},
)

# A dependency in this status no longer holds its dependant back.
FINISHED = DONE

# Project statuses (projects.status) the loops view lists, and the control a person has.
PROJECT_RUNNING = "running"
PROJECT_PAUSED = "paused"

"""An episode's statuses as a workflow: the board's lanes, the two moves a person makes
(archive a finished episode, mark a stalled one failed), and when an episode is stalled.

Seed 004's statuses: active (in progress), completed, failed, archived (moved to
long-term storage: hidden unless asked for). The agent makes every other change itself.
"""

from __future__ import annotations

from datetime import datetime

from ringmaster_tui.domain.rules import silent_too_long
from ringmaster_tui.domain.workflow import Guard, Intent, Lane, Move, Tone, Workflow

ACTIVE = "active"
COMPLETED = "completed"
FAILED = "failed"
ARCHIVED = "archived"

STATES: tuple[str, ...] = (ACTIVE, COMPLETED, FAILED, ARCHIVED)
FINISHED: tuple[str, ...] = (COMPLETED, FAILED)

# An active episode that has written no step (or, with none yet, was started) this long
# ago is stalled: its agent loop has most likely died. Steps come every few seconds to a
# few minutes; ten minutes of silence is well past any of them.
STALL_SECONDS = 600.0

LANES: tuple[Lane, ...] = (
    Lane("ACTIVE", (ACTIVE,), Tone.ACTIVE),
    Lane("COMPLETED", (COMPLETED,), Tone.GOOD),
    Lane("FAILED", (FAILED,), Tone.BAD),
)

IS_STALLED = Guard(
    "stalled",
    "the episode is not stalled (it wrote a step within the last "
    f"{int(STALL_SECONDS // 60)} minutes); only a stalled episode can be marked failed",
)

ARCHIVE = Move("archive", Intent.ARCHIVE, FINISHED, ARCHIVED, asks="Archive it: a note (why)?")
MARK_FAILED = Move(
    "mark_failed",
    Intent.REJECT,
    (ACTIVE,),
    FAILED,
    guard=IS_STALLED,
    asks="Mark it failed: why (recorded in its metadata)?",
)

WORKFLOW = Workflow(
    states=STATES,
    lanes=LANES,
    moves=(ARCHIVE, MARK_FAILED),
    hidden_states=(ARCHIVED,),
)


def is_stalled(last_activity: datetime | None, now: datetime) -> bool:
    """An active episode is stalled when it has been silent for STALL_SECONDS."""
    return silent_too_long(last_activity, now, STALL_SECONDS)

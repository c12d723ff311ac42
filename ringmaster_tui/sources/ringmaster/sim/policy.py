"""How the simulated orchestrator keeps the demo board moving: its targets and its pace.

The board moves in the clock's time, whatever the rate: each kind of change has a chance
per second that follows what the board holds, as if each card had its own chance to
move: a lane with more cards moves more often, an empty one not at all. A step makes at
most one such change; a step where none is due streams a line of a running agent's
output instead, so every step still writes (the rate stays the rate of writes). A few
limits keep the flow steady and bounded: new cards arrive while DRAFT is short, plans are
approved while few loops run, reviews pass while the pipeline has room, and the loops
never fall below MIN_LOOPS (a loop that would leave goes round once more instead).

Where a person acts (planning, approval, review, archiving, decisions, alerts), the
simulator stands in for them, but only for what has waited its lane's `patience`, and
never below the lane's `keep`: those stay for the user. While fewer than MIN_LOOPS run
(an empty database, say) planning and approval hurry, to warm the board up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from ringmaster_tui.sources.ringmaster import workflow as sm

# Loops (cards in coding or error_fixing) never fewer than this once warmed up.
MIN_LOOPS = 3
# Plans are approved (by the stand-in) while fewer loops run than this.
LOOPS_TARGET = 7
# New cards arrive while DRAFT holds fewer than this and the board fewer open cards.
DRAFT_TARGET = 6
OPEN_CARDS_MAX = 45
# Drafts move to planning while PLANNING holds fewer than this.
PLANNING_MAX = 6
# Reviews pass while the pipeline (testing, build, deploy) holds fewer than this.
PIPELINE_MAX = 12
# Pending decisions: new ones are asked for while fewer than this wait.
DECISIONS_MAX = 5
# Unacknowledged alerts the stand-in leaves alone.
ALERTS_KEEP = 10
# A pending decision waits this long before the stand-in may decide it.
DECISION_PATIENCE = timedelta(minutes=1)
# Short timeouts, so decisions expiring to their default are seen within a demo.
DECISION_TIMEOUT_MINUTES = (2, 3, 5, 8, 12)


@dataclass(frozen=True)
class PersonLane:
    """A state where a card waits for a person, and how the stand-in treats it."""

    state: str
    keep: int
    """Cards the stand-in never takes: the lane's newest stay for the user."""
    patience: timedelta
    """How long a card waits before the stand-in may take it."""
    role: str
    """Whom the stand-in plays, as recorded in the audit row."""


PERSON_LANES: dict[str, PersonLane] = {
    lane.state: lane
    for lane in (
        PersonLane(sm.DRAFT, 2, timedelta(seconds=60), "a planner"),
        PersonLane(sm.PLANNING, 2, timedelta(seconds=45), "a planner"),
        PersonLane(sm.CODE_REVIEW, 2, timedelta(seconds=45), "a reviewer"),
        PersonLane(sm.COMPLETED, 8, timedelta(minutes=2), "a maintainer"),
        PersonLane(sm.FAILED, 3, timedelta(minutes=5), "a maintainer"),
    )
}
# Planning and approval ignore their keep and patience while too few loops run.
WARM_UP_LANES = (sm.DRAFT, sm.PLANNING)

# Each kind of change's chance per second, per thing it could happen to, times
# PER_SECOND (see Census.chances).
PER_SECOND = 0.5
PER_IDLE_LOOP = 1.0
"""Starting an agent on a loop card that has none running."""
PER_RUNNING_ATTEMPT = 0.04
"""An agent finishing."""
PER_PIPELINE_CARD = 0.05
"""A test, build or deploy step."""
PER_WAITING_CARD = 0.2
"""The stand-in taking a card that waited long enough."""
NEW_CARD = 1.0
DECISION_WHEN_FEW = 0.4
"""Asking for a decision while fewer than two wait."""
DECISION_OTHERWISE = 0.05
PER_DECISION_DUE = 0.01
"""The stand-in deciding a decision that waited long enough (all but one of them):
about half are decided, the others run out and take their default."""
ALERT = 0.03
ACKNOWLEDGE = 0.2


# The longest gap between two steps counted as time for changes to happen in (a run
# paused or slowed down does not come back to everything due at once).
LONGEST_STEP_SECONDS = 5.0
# The time a run's first step counts.
FIRST_STEP_SECONDS = 1.0
# The lines a running agent's output keeps while it streams.
STREAMED_LINES = 40


def stand_in(role: str) -> str:
    """The name the simulator signs a person's move with."""
    return f"simulator (standing in for {role})"

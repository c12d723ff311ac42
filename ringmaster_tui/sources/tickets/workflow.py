"""The ticket system's workflow as data, built from the database when the source opens.

Its lanes are the stages themselves: Planned, then every worker type in the order the
execution plans give them, then Done and Closed. Plans of different projects may order
the same types differently; the lanes follow one stable merged order (a topological
order of "comes before" in any plan, ties and contradictions settled by which stage was
seen first). The dashboard builds its columns once, so a stage name first seen later
shows in OTHER until the dashboard is restarted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import pairwise

from ringmaster_tui.domain.workflow import Intent, Lane, Move, Tone, Workflow
from ringmaster_tui.sources.tickets.plan import CLOSED, DONE, PLANNED

REOPENED = "reopened"
"""Where reopen sends a ticket: back to the stage its plan waits for (no lane of its own)."""

COMMENT = "comment"
CLOSE = "close"
REOPEN = "reopen"
SEND_BACK = "send_back"

FIXED_STATES = (PLANNED, DONE, CLOSED, REOPENED)


def merged_stage_order(plans: Iterable[Sequence[str]]) -> tuple[str, ...]:
    """One order of every stage in `plans` that keeps each plan's order where they agree.

    Kahn's algorithm: always take, among the stages nothing still waiting must precede,
    the one seen first; when plans contradict each other (a cycle), take the one seen
    first among those left. The same plans in the same order give the same lanes.
    """
    first_seen: dict[str, int] = {}
    before: dict[str, set[str]] = {}
    for plan in plans:
        stages = [s for s in dict.fromkeys(plan) if s not in FIXED_STATES]
        for stage in stages:
            first_seen.setdefault(stage, len(first_seen))
            before.setdefault(stage, set())
        for earlier, later in pairwise(stages):
            before[later].add(earlier)
    order: list[str] = []
    left = set(first_seen)
    while left:
        ready = [s for s in left if not (before[s] & left)]
        chosen = min(ready or left, key=first_seen.__getitem__)
        order.append(chosen)
        left.remove(chosen)
    return tuple(order)


def build_workflow(stages: Sequence[str]) -> Workflow:
    """The lanes, states and moves for these stages (in board order)."""
    stages = tuple(s for s in dict.fromkeys(stages) if s not in FIXED_STATES)
    lanes = (
        Lane(PLANNED, (PLANNED,), Tone.WAITING),
        *(Lane(stage, (stage,), Tone.ACTIVE) for stage in stages),
        Lane(DONE, (DONE,), Tone.GOOD),
        Lane(CLOSED, (CLOSED,), Tone.MUTED),
    )
    open_states = (PLANNED, *stages, DONE)
    comments = tuple(
        Move(COMMENT, Intent.COMMENT, (state,), state, asks="Comment")
        for state in (*open_states, CLOSED)
    )
    moves = (
        *comments,
        Move(CLOSE, Intent.ARCHIVE, open_states, CLOSED, asks="Why close it?"),
        Move(REOPEN, Intent.APPROVE, (CLOSED,), REOPENED, asks="Why reopen it?"),
        # Planned has no earlier stage; a ticket at its plan's first stage gets no targets.
        Move(
            SEND_BACK,
            Intent.REJECT,
            (*stages, DONE),
            PLANNED,
            asks="Why send it back?",
            pick_target=True,
        ),
    )
    return Workflow(states=(*open_states, CLOSED, REOPENED), lanes=lanes, moves=moves)

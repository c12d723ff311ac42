"""What a key press on a card means: the move to ask the source for, or why none.

No widgets and no database: the app turns a plan into a write in a worker. The moves
come from the source's workflow (domain/workflow.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ringmaster_tui.domain.outcome import Moved
from ringmaster_tui.domain.snapshot import CardSummary
from ringmaster_tui.domain.workflow import Intent as MoveIntent
from ringmaster_tui.domain.workflow import Workflow
from ringmaster_tui.ui.safe_text import make_visible


class Intent(StrEnum):
    """What the user asked for with a card key: a workflow intent, or force."""

    APPROVE = MoveIntent.APPROVE.value
    REJECT = MoveIntent.REJECT.value
    ARCHIVE = MoveIntent.ARCHIVE.value
    COMMENT = MoveIntent.COMMENT.value
    FORCE = "force"


@dataclass(frozen=True)
class PlannedMove:
    """A compare-and-set transition, from the state the user saw on screen."""

    card_id: str
    seen_state: str
    trigger: str
    to_state: str
    asks: str | None = None
    """The question the user answers first; the answer goes with the write as `note`."""
    pick_target: bool = False
    """The user picks `to_state` among the source's targets first."""
    note: str | None = None


def plan_move(workflow: Workflow, intent: Intent, card: CardSummary) -> PlannedMove | str:
    """The move `intent` means for `card`, or a sentence saying why there is none.

    Force is not planned here: it needs the target the user picks.
    """
    move = None if intent is Intent.FORCE else workflow.move_for(MoveIntent(intent), card.state)
    if move is None:
        return (
            f"Nothing to {intent} for “{make_visible(card.title)[:60]}” in "
            f"{make_visible(card.state)}; {_what_intent_does(workflow, intent)}"
        )
    return PlannedMove(
        card.id,
        card.state,
        move.trigger,
        move.to_state,
        asks=move.asks,
        pick_target=move.pick_target,
    )


def force_move(workflow: Workflow, card: CardSummary, to_state: str) -> PlannedMove | str:
    if workflow.force_trigger is None:
        return "This kind of database allows no forced moves."
    return PlannedMove(card.id, card.state, workflow.force_trigger, to_state)


def _what_intent_does(workflow: Workflow, intent: Intent) -> str:
    moves = () if intent is Intent.FORCE else workflow.moves_for(MoveIntent(intent))
    described = ", ".join(f"{'/'.join(m.from_states)} → {m.to_state}" for m in moves)
    return f"{intent} moves {described}." if described else "pick a target state."


class UndoStack:
    """The transitions this app made, newest last; `u` takes them back one by one."""

    def __init__(self) -> None:
        self._moves: list[Moved] = []

    def push(self, moved: Moved) -> None:
        self._moves.append(moved)

    def pop(self) -> Moved | None:
        return self._moves.pop() if self._moves else None

    def __len__(self) -> int:
        return len(self._moves)

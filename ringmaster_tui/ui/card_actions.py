"""What a key press on a card means: the transition to ask the source for, or why none.

No widgets and no database: the app turns a plan into a write in a worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ringmaster_tui.domain import states as sm
from ringmaster_tui.domain.outcome import Moved
from ringmaster_tui.domain.snapshot import CardSummary
from ringmaster_tui.ui.safe_text import make_visible


class Intent(StrEnum):
    """What the user asked for with a card key."""

    APPROVE = "approve"
    REJECT = "reject"
    ARCHIVE = "archive"
    FORCE = "force"


_TRIGGERS: dict[Intent, tuple[sm.UserTrigger, ...]] = {
    Intent.APPROVE: sm.APPROVE_INTENT,
    Intent.REJECT: sm.REJECT_INTENT,
    Intent.ARCHIVE: sm.ARCHIVE_INTENT,
}


@dataclass(frozen=True)
class PlannedMove:
    """A compare-and-set transition, from the state the user saw on screen."""

    card_id: str
    seen_state: str
    trigger: str
    to_state: str


def plan_move(intent: Intent, card: CardSummary) -> PlannedMove | str:
    """The move `intent` means for `card`, or a sentence saying why there is none.

    Force is not planned here: it needs the target the user picks.
    """
    trigger = sm.trigger_for(_TRIGGERS.get(intent, ()), card.state)
    if trigger is None:
        return (
            f"Nothing to {intent} for “{make_visible(card.title)[:60]}” in "
            f"{make_visible(card.state)}; {_what_intent_does(intent)}"
        )
    return PlannedMove(card.id, card.state, trigger.name, trigger.to_state)


def force_move(card: CardSummary, to_state: str) -> PlannedMove:
    return PlannedMove(card.id, card.state, sm.FORCE, to_state)


def _what_intent_does(intent: Intent) -> str:
    moves = ", ".join(
        f"{'/'.join(t.from_states)} → {t.to_state}" for t in _TRIGGERS.get(intent, ())
    )
    return f"{intent} moves {moves}." if moves else "pick a target state."


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

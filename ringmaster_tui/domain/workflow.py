"""A workflow as data: the states of a source's cards, the board's lanes, and the moves a
person may make. The types only; each source declares its values (sources/*/workflow.py),
and the board, the lanes, the force picker, the action keys and the help are built from
them at run time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

# Where a state the workflow does not know is shown; never a crash.
OTHER_LANE = "OTHER"
# Cards in a hidden state (archived) are shown only when asked for, in a lane of this name.
HIDDEN_LANE = "ARCHIVED"


class Tone(StrEnum):
    """How a lane reads at a glance; styles/board.tcss colours each (`.-tone-good`)."""

    PLAIN = "plain"
    WAITING = "waiting"
    """Waits for a person (a draft, a plan, a review)."""
    ACTIVE = "active"
    """An agent is on it."""
    GOOD = "good"
    BAD = "bad"
    MUTED = "muted"
    UNKNOWN = "unknown"
    """States the workflow does not know (the OTHER lane)."""


class Intent(StrEnum):
    """What a card key asks for: its move depends on the card's state."""

    APPROVE = "approve"
    """Key `a`: approve, advance."""
    REJECT = "reject"
    """Key `r`: reject, send back."""
    ARCHIVE = "archive"
    """Key `A`: archive, close."""
    COMMENT = "comment"
    """Key `c`: write a note on the card (a move that may keep its state)."""


@dataclass(frozen=True)
class Lane:
    """A board column and the states it holds."""

    name: str
    states: tuple[str, ...]
    tone: Tone = Tone.PLAIN
    short: str = ""
    """Its name where room is short (the lane strip on a narrow terminal); "": `name`."""

    @property
    def css_id(self) -> str:
        return "".join(c if c.isalnum() else "-" for c in self.name.lower())


@dataclass(frozen=True)
class Guard:
    """A condition a move needs, checked by the source inside the move's own write."""

    name: str
    refusal: str
    """What the user is told when the card does not meet it."""


@dataclass(frozen=True)
class Move:
    """A transition a person triggers: `intent`'s key on a card in one of `from_states`."""

    trigger: str
    """Recorded in the audit row."""
    intent: Intent
    from_states: tuple[str, ...]
    to_state: str
    """Where the card goes; with `pick_target`, the default among those offered."""
    guard: Guard | None = None
    asks: str | None = None
    """A question the user answers before the move ("Why?"): the answer is recorded."""
    pick_target: bool = False
    """The user picks where the card goes among the source's `move_targets` for it."""


@dataclass(frozen=True)
class Workflow:
    """A source's states, lanes and moves."""

    states: tuple[str, ...]
    lanes: tuple[Lane, ...]
    moves: tuple[Move, ...] = ()
    hidden_states: tuple[str, ...] = ()
    """States the board shows only when asked (archived), in the HIDDEN_LANE."""
    force_trigger: str | None = None
    """Any state to any other after an explicit confirmation, recorded as this trigger;
    None when the source allows no such move."""
    undo_trigger: str | None = None
    """Taking back a move made from this app, recorded as this trigger; None: no undo."""
    short_names: dict[str, str] = field(default_factory=dict)
    """How a state reads where room is short (a narrow column); its own name otherwise."""
    _lane_of: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lane_of = {state: lane.name for lane in self.lanes for state in lane.states}
        lane_of.update({state: HIDDEN_LANE for state in self.hidden_states})
        object.__setattr__(self, "_lane_of", lane_of)

    @property
    def lane_names(self) -> tuple[str, ...]:
        return tuple(lane.name for lane in self.lanes)

    def all_lanes(self) -> tuple[Lane, ...]:
        """The lanes, then OTHER and the hidden lane: every column a board may show."""
        return (
            *self.lanes,
            Lane(OTHER_LANE, (), Tone.UNKNOWN),
            Lane(HIDDEN_LANE, self.hidden_states),
        )

    def short_name(self, state: str) -> str:
        return self.short_names.get(state, state)

    def lane_of(self, state: str) -> str:
        """The lane a card in `state` is shown in (OTHER for an unknown state)."""
        return self._lane_of.get(state, OTHER_LANE)

    def is_known_state(self, state: str) -> bool:
        return state in self._lane_of

    def shows_state(self, lane_name: str) -> bool:
        """Whether a card in this lane says its exact state (the lane holds several)."""
        for lane in self.lanes:
            if lane.name == lane_name:
                return len(lane.states) > 1
        return lane_name == OTHER_LANE

    def lane_groups(
        self, present_states: Iterable[str], *, show_hidden: bool
    ) -> list[tuple[str, tuple[str, ...]]]:
        """The lanes to read, each with its states: the workflow's lanes, OTHER with any
        `present_states` the workflow does not know, and the hidden lane when shown."""
        groups = [(lane.name, lane.states) for lane in self.lanes]
        unknown = tuple(sorted(s for s in present_states if not self.is_known_state(s)))
        if unknown:
            groups.append((OTHER_LANE, unknown))
        if show_hidden and self.hidden_states:
            groups.append((HIDDEN_LANE, self.hidden_states))
        return groups

    def moves_for(self, intent: Intent) -> tuple[Move, ...]:
        return tuple(move for move in self.moves if move.intent is intent)

    def move_for(self, intent: Intent, state: str) -> Move | None:
        """The move `intent` means for a card in `state`, if any."""
        for move in self.moves_for(intent):
            if state in move.from_states:
                return move
        return None

    def move_named(self, trigger: str) -> Move | None:
        for move in self.moves:
            if move.trigger == trigger:
                return move
        return None

    def force_targets(self, state: str) -> tuple[str, ...]:
        """Every state a card in `state` can be forced to (none without forcing)."""
        if self.force_trigger is None:
            return ()
        return tuple(s for s in self.states if s != state)

"""What an action did, in words the user reads."""

from __future__ import annotations

from ringmaster_tui.domain.model import Frozen


class Moved(Frozen):
    """A transition this app made; enough to undo it."""

    card_id: str
    card_title: str
    from_state: str
    to_state: str
    trigger: str


class Outcome(Frozen):
    ok: bool
    message: str
    moved: Moved | None = None
    """Set when a card changed state, so the app can offer to undo it."""
    changed: int = 0
    """Rows this action changed (e.g. alerts acknowledged)."""

"""Messages between the app's workers and its widgets.

Workers post the first group from their threads (`post_message` is thread-safe); widgets
post the second group to ask the app for something, since only the app calls the source.
"""

from __future__ import annotations

from textual.message import Message

from ringmaster_tui.domain.outcome import Outcome
from ringmaster_tui.domain.snapshot import CardDetail, CardSummary, Snapshot
from ringmaster_tui.ui.card_actions import Intent

# --- from workers ---


class ReloadRequested(Message):
    """A reload was asked for (maybe from another thread); start it on the event loop."""


class SnapshotLoaded(Message):
    def __init__(self, snapshot: Snapshot) -> None:
        super().__init__()
        self.snapshot = snapshot


class LoadFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class DatabaseStatus(Message):
    """The database is missing, replaced, locked or unreadable (`problem`), or fine (None)."""

    def __init__(self, problem: str | None) -> None:
        super().__init__()
        self.problem = problem


class CardDetailLoaded(Message):
    """One card's detail, or None with `error` (or the card is gone)."""

    def __init__(self, card_id: str, detail: CardDetail | None, error: str = "") -> None:
        super().__init__()
        self.card_id = card_id
        self.detail = detail
        self.error = error


class ActionFinished(Message):
    """A write ended; `undoing` when it was the undo of an earlier one."""

    def __init__(self, outcome: Outcome, *, undoing: bool) -> None:
        super().__init__()
        self.outcome = outcome
        self.undoing = undoing


# --- from widgets ---


class CardIntent(Message):
    """The user pressed a card key (approve, reject, archive, force) on `card`."""

    def __init__(self, card: CardSummary, intent: Intent) -> None:
        super().__init__()
        self.card = card
        self.intent = intent


class UndoRequested(Message):
    """The user asked to undo the last transition made from this app."""


class OpenCard(Message):
    def __init__(self, card: CardSummary) -> None:
        super().__init__()
        self.card = card


class FilterChanged(Message):
    """The board's text filter changed (empty: cleared)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

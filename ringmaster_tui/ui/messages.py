"""Messages between the app's workers and its widgets.

Workers post the first group from their threads (`post_message` is thread-safe); widgets
post the second group to ask the app for something, since only the app calls the source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message
from textual.message_pump import MessagePump

from ringmaster_tui.domain.outcome import Outcome
from ringmaster_tui.domain.snapshot import (
    AttemptView,
    CardDetail,
    CardSummary,
    DecisionDetail,
    DecisionView,
    ErrorDetail,
    ErrorView,
    Snapshot,
)
from ringmaster_tui.domain.views import RowAction, SectionedDetail, TableRow
from ringmaster_tui.ui.card_actions import Intent, PlannedMove

# --- from workers ---

if TYPE_CHECKING:  # the review's modules are imported when a review is first opened
    from ringmaster_tui.domain.review import AttemptReviewData, DiffRequest
    from ringmaster_tui.review import ChangedFile, FilePatch, OutputIndex, Review, ReviewProblem


class NotifierProblem(Message):
    """The notifier could not do something (its command failed, say): shown once."""

    def __init__(self, problem: str) -> None:
        super().__init__()
        self.problem = problem


class TerminalNotifications(Message):
    """Escape sequences (OSC 9 / OSC 777, their text made safe) to write to the terminal."""

    def __init__(self, sequences: tuple[str, ...]) -> None:
        super().__init__()
        self.sequences = sequences


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

    def __init__(
        self, card_id: str, detail: CardDetail | SectionedDetail | None, error: str = ""
    ) -> None:
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


class MoveTargetsRead(Message):
    """The places a pick-target move may take `card` to, read from the source."""

    def __init__(self, card: CardSummary, move: PlannedMove, targets: tuple[str, ...]) -> None:
        super().__init__()
        self.card = card
        self.move = move
        self.targets = targets


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


class LanesFit(Message):
    """How many cards a board lane shows at once, at the terminal's current size."""

    def __init__(self, cards: int) -> None:
        super().__init__()
        self.cards = cards


class LaneDeeper(Message):
    """The user scrolled near the last card read of a lane: read `depth` cards of it."""

    def __init__(self, lane: str, depth: int) -> None:
        super().__init__()
        self.lane = lane
        self.depth = depth


class ListRowsFit(Message):
    """How many rows a list view (loops, errors, decisions, alerts) shows at once."""

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows


class ListDeeper(Message):
    """The user scrolled near the last row read of a list view: read `depth` rows."""

    def __init__(self, depth: int) -> None:
        super().__init__()
        self.depth = depth


# --- errors, decisions and alerts: from the views and dialogs ---


class QueryChanged(Message):
    """A view asked to see something else: new values for fields of the BoardQuery."""

    def __init__(self, **changes: object) -> None:
        super().__init__()
        self.changes = changes


class OpenErrorDetail(Message):
    def __init__(self, error: ErrorView) -> None:
        super().__init__()
        self.error = error


class ResolveError(Message):
    def __init__(self, error: ErrorView) -> None:
        super().__init__()
        self.error = error


class AcknowledgeAlerts(Message):
    """Acknowledge exactly `alert_ids` (those the user saw). A bulk request is confirmed
    first, naming how many, and how many `more` match beyond those listed."""

    def __init__(self, alert_ids: tuple[str, ...], *, bulk: bool = False, more: int = 0) -> None:
        super().__init__()
        self.alert_ids = alert_ids
        self.bulk = bulk
        self.more = more


class OpenDecision(Message):
    def __init__(self, decision: DecisionView) -> None:
        super().__init__()
        self.decision = decision


class Decide(Message):
    """The user confirmed `choice` for a decision they saw pending."""

    def __init__(self, decision_id: str, choice: str, comment: str | None) -> None:
        super().__init__()
        self.decision_id = decision_id
        self.choice = choice
        self.comment = comment


# --- errors, decisions and alerts: from workers ---


class ErrorDetailLoaded(Message):
    """One error in full, or None with `error` (or the error is gone)."""

    def __init__(self, error_id: str, detail: ErrorDetail | None, error: str = "") -> None:
        super().__init__()
        self.error_id = error_id
        self.detail = detail
        self.error = error


class DecisionDetailLoaded(Message):
    """One decision as it is now, or None with `error` (or the decision is gone)."""

    def __init__(self, decision_id: str, detail: DecisionDetail | None, error: str = "") -> None:
        super().__init__()
        self.decision_id = decision_id
        self.detail = detail
        self.error = error


class DecisionWritten(Message):
    """The write of a decision ended: done, or refused (settled meanwhile, read-only...)."""

    def __init__(self, decision_id: str, outcome: Outcome) -> None:
        super().__init__()
        self.decision_id = decision_id
        self.outcome = outcome


# --- an attempt's review: the card detail and the review screen ask, workers answer ---


class OpenReview(Message):
    """Open the review of `attempt`, an attempt of the card titled `card_title`."""

    def __init__(self, attempt: AttemptView, card_title: str) -> None:
        super().__init__()
        self.attempt = attempt
        self.card_title = card_title


class ReviewDataLoaded(Message):
    """The attempt's row (None: gone, or `error`) and its output indexed by line."""

    def __init__(
        self,
        attempt_id: str,
        data: AttemptReviewData | None,
        output: OutputIndex | None = None,
        longest_line: int = 0,
        error: str = "",
    ) -> None:
        super().__init__()
        self.attempt_id = attempt_id
        self.data = data
        self.output = output
        self.longest_line = longest_line
        self.error = error


class DiffRequested(Message):
    """List the files of a diff; the answer (DiffLoaded) goes to `reply_to`."""

    def __init__(self, reply_to: MessagePump, request: DiffRequest) -> None:
        super().__init__()
        self.reply_to = reply_to
        self.request = request


class DiffLoaded(Message):
    def __init__(self, request: DiffRequest, outcome: Review | ReviewProblem) -> None:
        super().__init__()
        self.request = request
        self.outcome = outcome


class PatchRequested(Message):
    """Read one file's patch; the answer (PatchLoaded) goes to `reply_to`."""

    def __init__(self, reply_to: MessagePump, review: Review, file: ChangedFile) -> None:
        super().__init__()
        self.reply_to = reply_to
        self.review = review
        self.file = file


class PatchLoaded(Message):
    """One file's patch (or why not), with the name of the lexer to colour it."""

    def __init__(
        self,
        review: Review,
        file: ChangedFile,
        patch: FilePatch | ReviewProblem,
        lexer_name: str,
    ) -> None:
        super().__init__()
        self.review = review
        self.file = file
        self.patch = patch
        self.lexer_name = lexer_name


class RowActionRequested(Message):
    """A key of a source's table view on `rows`; `more` rows match but are not loaded."""

    def __init__(
        self, view_id: str, action: RowAction, rows: tuple[TableRow, ...], more: int
    ) -> None:
        super().__init__()
        self.view_id = view_id
        self.action = action
        self.rows = rows
        self.more = more

"""One card in full (enter on the board); the app loads its detail in a worker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label

from ringmaster_tui.domain.snapshot import AttemptView, CardDetail, CardSummary
from ringmaster_tui.domain.views import SectionedDetail
from ringmaster_tui.ui.messages import CardDetailLoaded, OpenReview
from ringmaster_tui.ui.safe_text import safe_text
from ringmaster_tui.ui.widgets.card_detail_view import CardDetailView


class CardDetailScreen(Screen[None]):
    HELP_GROUP: ClassVar[str] = "Card"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="card.back"),
        Binding("enter", "review", "Review attempt", id="card.review"),
        Binding("d", "review_latest_commit", "Latest diff", id="card.latest_diff"),
        Binding("j", "scroll('down')", "Scroll down", show=False, id="move.down"),
        Binding("k", "scroll('up')", "Scroll up", show=False, id="move.up"),
    ]

    def __init__(self, card: CardSummary, clock: Callable[[], datetime]) -> None:
        super().__init__(id="card-detail")
        self.card = card
        self.detail: CardDetail | SectionedDetail | None = None
        self._clock = clock
        self._body = CardDetailView(id="detail-body")

    def compose(self) -> ComposeResult:
        yield Label(safe_text(self.card.title, one_line=True), id="detail-title")
        yield self._body
        yield Footer()

    def on_mount(self) -> None:
        self._body.show_message("Loading…")
        self._body.focus()

    @on(CardDetailLoaded)
    def _loaded(self, message: CardDetailLoaded) -> None:
        if message.card_id != self.card.id:
            return
        if message.error:
            self._body.show_message(f"Could not read the card: {message.error}")
        elif message.detail is None:
            self._body.show_message("This card no longer exists.")
        elif message.detail != self.detail:  # reloaded after every commit: redraw on change
            self.detail = message.detail
            self.query_one("#detail-title", Label).update(
                safe_text(message.detail.title, one_line=True)
            )
            scrolled = self._body.scroll_y
            self._body.show(message.detail, self._clock())
            self._body.call_after_refresh(self._body.scroll_to, y=scrolled, animate=False)

    def action_scroll(self, direction: str) -> None:
        if direction == "down":
            self._body.scroll_down()
        else:
            self._body.scroll_up()

    # --- an attempt's review ---

    @on(DataTable.RowSelected, ".detail-attempts")
    def _attempt_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self._review(event.row_key.value)

    def action_review(self) -> None:
        """Enter: the attempt under the attempts list's cursor."""
        attempt_id = self._body.highlighted_attempt_id()
        if attempt_id is None:
            self.notify("This card has no attempts to review.")
            return
        self._review(attempt_id)

    def action_review_latest_commit(self) -> None:
        """`d`: the newest attempt that recorded a commit."""
        detail = self.detail
        if isinstance(detail, SectionedDetail):
            first = next((s.review_ids[0] for s in detail.sections if s.review_ids), None)
            if first is None:
                self.notify("Nothing of this card has a commit to review.", severity="warning")
            else:
                self._review(first)
            return
        attempts = detail.attempts if isinstance(detail, CardDetail) else ()
        latest = max(
            (a for a in attempts if a.commit_sha), key=lambda a: a.attempt_number, default=None
        )
        if latest is None:
            self.notify("No attempt of this card has a commit.", severity="warning")
            return
        self._review(latest.id)

    def _review(self, attempt_id: str) -> None:
        detail = self.detail
        if isinstance(detail, SectionedDetail):
            self._review_declared(detail, attempt_id)
            return
        if not isinstance(detail, CardDetail):
            return
        attempt = next((a for a in detail.attempts if a.id == attempt_id), None)
        if attempt is not None:
            self.post_message(OpenReview(attempt, detail.title))

    def _review_declared(self, detail: SectionedDetail, review_id: str) -> None:
        """A row a source declared reviewable: the review screen reads the rest."""
        for section in detail.sections:
            if review_id in section.review_ids:
                # Numbered oldest first, as attempts are; the rows are newest first.
                number = len(section.review_ids) - section.review_ids.index(review_id)
                attempt = AttemptView(
                    id=review_id,
                    attempt_number=number,
                    agent_type=None,
                    status=None,
                    tokens_used=None,
                    cost_usd=None,
                    duration_ms=None,
                    started_at=None,
                    commit_sha=None,
                    diff_stats=None,
                    error_message=None,
                )
                self.post_message(OpenReview(attempt, detail.title))
                return

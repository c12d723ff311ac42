"""Ringmaster's schema as a Source: the loader for reads, Actions for writes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from ringmaster_tui.domain.metrics import Metrics
from ringmaster_tui.domain.outcome import Moved, Outcome
from ringmaster_tui.domain.review import AttemptReviewData
from ringmaster_tui.domain.snapshot import (
    BoardQuery,
    CardDetail,
    DecisionDetail,
    ErrorDetail,
    Snapshot,
)
from ringmaster_tui.store.engine import Database
from ringmaster_tui.store.ringmaster.actions import Actions
from ringmaster_tui.store.ringmaster.loader import SnapshotReader, SummaryCache
from ringmaster_tui.store.ringmaster.metrics_queries import read_metrics
from ringmaster_tui.store.ringmaster.review_queries import read_attempt_review

# Without these the board has nothing to show; every other table is optional.
RINGMASTER_TABLES: tuple[str, ...] = ("projects", "cards")


class RingmasterSource:
    def __init__(self, database: Database, user: str) -> None:
        self.database = database
        self._actions = Actions(database, user)
        self._summaries = SummaryCache()
        """The last snapshot's lane cards, reused by the next (one loader at a time)."""

    @property
    def path(self) -> Path:
        return self.database.path

    @property
    def writable(self) -> bool:
        return self.database.writable

    @property
    def read_only_reason(self) -> str:
        return self.database.access.reason

    @property
    def warning(self) -> str | None:
        return self.database.warning

    def snapshot(self, query: BoardQuery, now: datetime) -> Snapshot:
        with self.database.read() as conn:
            snapshot = SnapshotReader(conn, query, now, self._summaries).snapshot()
        self._summaries.next_snapshot()
        return snapshot

    def card_detail(self, card_id: str, now: datetime) -> CardDetail | None:
        with self.database.read() as conn:
            return SnapshotReader(conn, BoardQuery(), now).card_detail(card_id)

    def error_detail(self, error_id: str, now: datetime) -> ErrorDetail | None:
        with self.database.read() as conn:
            return SnapshotReader(conn, BoardQuery(), now).error_detail(error_id)

    def decision_detail(self, decision_id: str, now: datetime) -> DecisionDetail | None:
        with self.database.read() as conn:
            return SnapshotReader(conn, BoardQuery(), now).decision_detail(decision_id)

    def metrics(self, project_id: str | None, now: datetime) -> Metrics:
        with self.database.read() as conn:
            return read_metrics(conn, project_id, now)

    def transition(self, card_id: str, seen_state: str, trigger: str, to_state: str) -> Outcome:
        return self._actions.transition(card_id, seen_state, trigger, to_state)

    def undo(self, moved: Moved) -> Outcome:
        return self._actions.undo(moved)

    def resolve_error(self, error_id: str) -> Outcome:
        return self._actions.resolve_error(error_id)

    def acknowledge_alerts(self, alert_ids: Sequence[str]) -> Outcome:
        return self._actions.acknowledge_alerts(alert_ids)

    def decide(self, decision_id: str, choice: str, comment: str | None) -> Outcome:
        return self._actions.decide(decision_id, choice, comment)

    def attempt_review(self, attempt_id: str) -> AttemptReviewData | None:
        with self.database.read() as conn:
            return read_attempt_review(conn, attempt_id)

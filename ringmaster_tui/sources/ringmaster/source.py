"""Ringmaster's schema as a Source: the loader for reads, Actions for writes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ringmaster_tui.domain.capabilities import Capabilities, ViewOffer
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
from ringmaster_tui.engines.base import Engine
from ringmaster_tui.sources.common import EngineSource
from ringmaster_tui.sources.retention_policy import RetentionPolicy
from ringmaster_tui.sources.ringmaster.actions import Actions
from ringmaster_tui.sources.ringmaster.loader import SnapshotReader, SummaryCache
from ringmaster_tui.sources.ringmaster.metrics_queries import read_metrics
from ringmaster_tui.sources.ringmaster.retention import apply_retention, plan_retention
from ringmaster_tui.sources.ringmaster.review_queries import read_attempt_review
from ringmaster_tui.sources.ringmaster.schema import schema_for
from ringmaster_tui.sources.ringmaster.workflow import WORKFLOW

CAPABILITIES = Capabilities(
    views=(
        ViewOffer("board", "Board"),
        ViewOffer("loops", "Loops"),
        ViewOffer("errors", "Errors"),
        ViewOffer("decisions", "Decisions"),
        ViewOffer("alerts", "Alerts"),
        ViewOffer("metrics", "Metrics"),
    ),
    review=True,
)


class RingmasterSource(EngineSource):
    kind = "ringmaster"
    title = "Ringmaster database"
    workflow = WORKFLOW
    capabilities = CAPABILITIES

    def __init__(self, engine: Engine, user: str) -> None:
        super().__init__(engine, user)
        self._actions = Actions(engine, user)
        self._summaries = SummaryCache()
        """The last snapshot's lane cards, reused by the next (one loader at a time)."""

    def schema_ddl(self) -> str:
        return schema_for(self.engine.kind)

    def snapshot(self, query: BoardQuery, now: datetime) -> Snapshot:
        with self.engine.read() as conn:
            snapshot = SnapshotReader(conn, query, now, self._summaries).snapshot()
        self._summaries.next_snapshot()
        return snapshot

    def card_detail(self, card_id: str, now: datetime) -> CardDetail | None:
        with self.engine.read() as conn:
            return SnapshotReader(conn, BoardQuery(), now).card_detail(card_id)

    def error_detail(self, error_id: str, now: datetime) -> ErrorDetail | None:
        with self.engine.read() as conn:
            return SnapshotReader(conn, BoardQuery(), now).error_detail(error_id)

    def decision_detail(self, decision_id: str, now: datetime) -> DecisionDetail | None:
        with self.engine.read() as conn:
            return SnapshotReader(conn, BoardQuery(), now).decision_detail(decision_id)

    def metrics(self, project_id: str | None, now: datetime) -> Metrics:
        with self.engine.read() as conn:
            return read_metrics(conn, project_id, now)

    def transition(
        self,
        card_id: str,
        seen_state: str,
        trigger: str,
        to_state: str,
        note: str | None = None,
    ) -> Outcome:
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
        with self.engine.read() as conn:
            return read_attempt_review(conn, attempt_id)

    def prune(self, policy: RetentionPolicy, now: datetime, *, apply: bool) -> dict[str, int]:
        if apply:
            return apply_retention(self.engine, policy, now).counts()
        with self.engine.read() as conn:
            return plan_retention(conn, policy, now).counts()

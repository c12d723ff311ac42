"""What every source on an engine shares: the engine's own properties passed through, and
plain refusals for the actions a kind of database does not have.

A source subclasses EngineSource, declares its kind, workflow and capabilities, and
overrides what it offers; the dashboard only asks for what the capabilities name, so a
refusal here is said to a user only when a key reaches a source that lacks the action.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from ringmaster_tui.domain.capabilities import Capabilities
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
from ringmaster_tui.domain.views import SectionedDetail
from ringmaster_tui.domain.workflow import Workflow
from ringmaster_tui.engines.base import BackupResult, ChangeFeed, Engine, HealthReport
from ringmaster_tui.sources.base import NoRetention
from ringmaster_tui.sources.retention_policy import RetentionPolicy


class EngineSource:
    """A source's engine-facing half, and refusals for what it does not override."""

    kind: str
    title: str
    """The kind as the user reads it ("coordination database")."""
    workflow: Workflow
    capabilities: Capabilities

    def __init__(self, engine: Engine, user: str) -> None:
        self.engine = engine
        self.user = user
        self.repositories: dict[str, str] = {}

    def schema_ddl(self) -> str:
        """This kind's schema on this engine, which `health` compares the database with."""
        raise NotImplementedError

    # --- the engine's, passed through ---

    @property
    def label(self) -> str:
        return self.engine.label

    @property
    def writable(self) -> bool:
        return self.engine.writable

    @property
    def read_only_reason(self) -> str:
        return self.engine.read_only_reason

    @property
    def warning(self) -> str | None:
        return self.engine.warning

    def change_feed(
        self,
        on_change: Callable[[], None],
        on_status: Callable[[str | None], None] | None = None,
    ) -> ChangeFeed:
        return self.engine.change_feed(on_change, on_status)

    def backlog_bytes(self) -> int:
        return self.engine.backlog_bytes()

    def close(self) -> None:
        self.engine.dispose()

    def backup(self, destination: Path, *, force: bool = False) -> BackupResult:
        return self.engine.backup(destination, force=force)

    def health(self) -> HealthReport:
        return self.engine.health(self.schema_ddl())

    # --- reads a kind may not have ---

    def snapshot(self, query: BoardQuery, now: datetime) -> Snapshot:
        raise NotImplementedError

    def card_detail(self, card_id: str, now: datetime) -> CardDetail | SectionedDetail | None:
        return None

    def error_detail(self, error_id: str, now: datetime) -> ErrorDetail | None:
        return None

    def decision_detail(self, decision_id: str, now: datetime) -> DecisionDetail | None:
        return None

    def metrics(self, project_id: str | None, now: datetime) -> Metrics:
        raise NotImplementedError(f"a {self.title} has no metrics view")

    def attempt_review(self, attempt_id: str) -> AttemptReviewData | None:
        return None

    def move_targets(self, card_id: str, trigger: str) -> tuple[str, ...]:
        return ()

    # --- writes a kind may not have: refused in words ---

    def _lacks(self, what: str) -> Outcome:
        return Outcome(ok=False, message=f"A {self.title} has no {what}.")

    def transition(
        self,
        card_id: str,
        seen_state: str,
        trigger: str,
        to_state: str,
        note: str | None = None,
    ) -> Outcome:
        return self._lacks(f"{trigger} move")

    def act(self, view_id: str, action: str, rows: Sequence[tuple[str, str | None]]) -> Outcome:
        return self._lacks(f"{action} in its {view_id} view")

    def undo(self, moved: Moved) -> Outcome:
        return self._lacks("undo")

    def resolve_error(self, error_id: str) -> Outcome:
        return self._lacks("errors to resolve")

    def acknowledge_alerts(self, alert_ids: Sequence[str]) -> Outcome:
        return self._lacks("alerts")

    def decide(self, decision_id: str, choice: str, comment: str | None) -> Outcome:
        return self._lacks("decisions")

    def prune(self, policy: RetentionPolicy, now: datetime, *, apply: bool) -> dict[str, int]:
        raise NoRetention(f"a {self.title} has no retention policy")

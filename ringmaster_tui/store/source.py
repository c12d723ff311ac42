"""The seam between the dashboard and one orchestrator's schema.

A source turns a database into Snapshots and carries out the user's actions. The UI
knows only this interface; Ringmaster's schema is the first source, others slot in here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

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
from ringmaster_tui.store.engine import Database, OpenError, open_database


class Source(Protocol):
    database: Database

    @property
    def path(self) -> Path: ...

    @property
    def writable(self) -> bool: ...

    @property
    def read_only_reason(self) -> str: ...

    @property
    def warning(self) -> str | None:
        """What the reads miss (commits that cannot be read); None when they see all."""
        ...

    def snapshot(self, query: BoardQuery, now: datetime) -> Snapshot: ...

    def card_detail(self, card_id: str, now: datetime) -> CardDetail | None: ...

    def error_detail(self, error_id: str, now: datetime) -> ErrorDetail | None: ...

    def decision_detail(self, decision_id: str, now: datetime) -> DecisionDetail | None: ...

    def metrics(self, project_id: str | None, now: datetime) -> Metrics:
        """Project stats, recent activity, the daily series and the prompt layers (all
        projects' stats; the rest for `project_id` when given)."""
        ...

    def transition(self, card_id: str, seen_state: str, trigger: str, to_state: str) -> Outcome: ...

    def undo(self, moved: Moved) -> Outcome: ...

    def resolve_error(self, error_id: str) -> Outcome: ...

    def acknowledge_alerts(self, alert_ids: Sequence[str]) -> Outcome: ...

    def decide(self, decision_id: str, choice: str, comment: str | None) -> Outcome: ...

    def attempt_review(self, attempt_id: str) -> AttemptReviewData | None: ...


def open_source(target: str | Path, *, read_only: bool = False, user: str) -> Source:
    """Open a database and pick the source that understands its schema."""
    # Imported here: each source is a plug-in of this function, not of the interface.
    from ringmaster_tui.store.ringmaster.source import RINGMASTER_TABLES, RingmasterSource

    database = open_database(target, read_only=read_only)
    tables = database.table_names()
    missing = [t for t in RINGMASTER_TABLES if t not in tables]
    if missing:
        database.dispose()
        raise OpenError(
            f"{database.path}: is not a Ringmaster database (no {', '.join(missing)} "
            f"table); check the path, or create one with `ringmaster-tui init`"
        )
    return RingmasterSource(database, user)

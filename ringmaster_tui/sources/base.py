"""The seam between the dashboard and one orchestrator's schema.

A source turns a database into Snapshots and carries out the user's actions; it lives on
an engine (engines/) that the UI and the CLI never see. A source kind (one per package
under sources/) says how its schema is recognised, makes its DDL, opens a source on an
engine, and brings the commands that belong to it (demo data, a simulator, retention).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

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
from ringmaster_tui.sources.retention_policy import RetentionPolicy


class NoRetention(Exception):
    """This kind of database has no retention policy to apply."""


class Source(Protocol):
    """One orchestrator's database, open: what the dashboard reads and writes."""

    kind: str
    """The source kind's name ("ringmaster"), as `--source` and `status --json` say it."""

    workflow: Workflow
    """Its cards' states, the board's lanes and the moves a person may make."""

    capabilities: Capabilities
    """The views it offers, and the extras it has."""

    repositories: dict[str, str]
    """Local clones by repository name (`--repo NAME=PATH`), for a schema that records
    repository URLs rather than paths; empty unless the user gave some."""

    @property
    def label(self) -> str:
        """The database as the user sees it: a path, or a URL without its password."""
        ...

    @property
    def writable(self) -> bool: ...

    @property
    def read_only_reason(self) -> str: ...

    @property
    def warning(self) -> str | None:
        """What the reads miss (commits that cannot be read); None when they see all."""
        ...

    def change_feed(
        self,
        on_change: Callable[[], None],
        on_status: Callable[[str | None], None] | None = None,
    ) -> ChangeFeed:
        """Calls `on_change` after every commit of any writer (see engines.base)."""
        ...

    def backlog_bytes(self) -> int:
        """Written but not yet folded back (SQLite's -wal): loads pause while it grows."""
        ...

    def close(self) -> None: ...

    def snapshot(self, query: BoardQuery, now: datetime) -> Snapshot: ...

    def card_detail(self, card_id: str, now: datetime) -> CardDetail | SectionedDetail | None:
        """A card in full: Ringmaster's own shape, or sections any source can declare."""
        ...

    def error_detail(self, error_id: str, now: datetime) -> ErrorDetail | None: ...

    def decision_detail(self, decision_id: str, now: datetime) -> DecisionDetail | None: ...

    def metrics(self, project_id: str | None, now: datetime) -> Metrics:
        """Project stats, recent activity, the daily series and the prompt layers (all
        projects' stats; the rest for `project_id` when given)."""
        ...

    def transition(
        self,
        card_id: str,
        seen_state: str,
        trigger: str,
        to_state: str,
        note: str | None = None,
    ) -> Outcome:
        """Move a card from the state the user saw (compare-and-set), with its audit row;
        `note` answers the move's question (Move.asks)."""
        ...

    def move_targets(self, card_id: str, trigger: str) -> tuple[str, ...]:
        """Where a move that lets the user pick (Move.pick_target) may take this card."""
        ...

    def act(self, view_id: str, action: str, rows: Sequence[tuple[str, str | None]]) -> Outcome:
        """A table view's row action (RowAction) on `rows`: (row id, state seen) each,
        written only where the row is still as seen."""
        ...

    def undo(self, moved: Moved) -> Outcome: ...

    def resolve_error(self, error_id: str) -> Outcome: ...

    def acknowledge_alerts(self, alert_ids: Sequence[str]) -> Outcome: ...

    def decide(self, decision_id: str, choice: str, comment: str | None) -> Outcome: ...

    def attempt_review(self, attempt_id: str) -> AttemptReviewData | None: ...

    def backup(self, destination: Path, *, force: bool = False) -> BackupResult: ...

    def health(self) -> HealthReport:
        """The database's soundness, and what differs from this kind's schema."""
        ...

    def prune(self, policy: RetentionPolicy, now: datetime, *, apply: bool) -> dict[str, int]:
        """What the retention policy removes (what it removed, with `apply`), by kind of
        row; NoRetention when this kind has no such policy."""
        ...


class SourceKind(Protocol):
    """One orchestrator's schema, on any engine: how to recognise, create and open it."""

    name: str
    """What `--source` names it: "ringmaster", "coordination", ..."""

    title: str
    """What the user reads: "Ringmaster"."""

    required_tables: tuple[str, ...]
    """A database with all of these is this kind (the registry tries kinds in order)."""

    def ddl(self, engine_kind: str) -> str:
        """The schema script that `init` runs on an engine of `engine_kind`."""
        ...

    def open(self, engine: Engine, user: str) -> Source:
        """This kind's source on an open engine; `user` is who its writes record."""
        ...

    def create_demo(self, path: Path, *, seed: int, repo_root: Path) -> None:
        """A new database at `path` full of realistic data (with git repositories under
        `repo_root` where the kind reviews commits)."""
        ...

    def simulate(self, path: Path, request: SimulationRequest) -> str:
        """Write to `path` as this kind's orchestrator would until `request.stop` is set
        (or its duration passes); a summary of what it did."""
        ...


@dataclass(frozen=True)
class SimulationRequest:
    """What `simulate` was asked for."""

    rate: float
    """Changes a second."""
    stop: threading.Event
    duration: float | None = None
    seed: int | None = None
    repo_root: Path | None = None

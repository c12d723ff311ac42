"""Frozen view models: what the screens render, built by a source in one read.

Nothing here knows of SQL or widgets. Text fields hold the database's text as it is;
the UI makes it safe to show (see ui/safe_text.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from ringmaster_tui.domain.model import Frozen
from ringmaster_tui.domain.rules import option_labels
from ringmaster_tui.domain.values import Json, Moment
from ringmaster_tui.domain.views import Fact, TableData


class Project(Frozen):
    id: str
    name: str


class CardSummary(Frozen):
    """A card as a board lane shows it: its title, then its marks and facts."""

    id: str
    project_id: str
    """The group the picker (`p`) limits the board to: a project, a loop, a feature."""
    title: str
    state: str
    updated_at: Moment
    priority: int | None = None
    unresolved_errors: int = 0
    blocked: bool = False
    """Waits for a card that is not finished."""
    loop_iteration: int | None = None
    total_cost_usd: float | None = None
    facts: tuple[Fact, ...] = ()
    """What else the source shows on the card's second line, in this order."""


class LaneView(Frozen):
    name: str
    count: int
    cards: tuple[CardSummary, ...]


class LoopView(Frozen):
    """A card whose agent loop is running (coding or error_fixing)."""

    card_id: str
    title: str
    project_id: str
    project_name: str | None
    state: str
    priority: int | None
    updated_at: Moment
    loop_iteration: int | None
    error_count: int | None
    max_retries: int | None
    unresolved_errors: int
    blocked: bool
    total_cost_usd: float | None
    total_time_spent_ms: int | None
    latest_attempt_status: str | None
    latest_attempt_started_at: Moment
    latest_snapshot_iteration: int | None
    attempt_costs: tuple[float, ...]
    """Cost per attempt, oldest first (the latest SPARK_ATTEMPTS of them)."""
    attempt_tokens: tuple[int, ...]
    """Tokens per attempt, in the same order."""
    stalled: bool

    def card(self) -> CardSummary:
        """The loop's card, as the board would show it (to open it)."""
        return CardSummary(
            id=self.card_id,
            project_id=self.project_id,
            title=self.title,
            state=self.state,
            priority=self.priority,
            loop_iteration=self.loop_iteration,
            total_cost_usd=self.total_cost_usd,
            unresolved_errors=self.unresolved_errors,
            blocked=self.blocked,
            updated_at=self.updated_at,
        )


class ErrorView(Frozen):
    id: str
    card_id: str
    card_title: str | None
    attempt_id: str | None
    attempt_number: int | None
    error_type: str
    category: str | None
    severity: str | None
    message: str
    resolved: bool
    created_at: Moment


class DecisionView(Frozen):
    id: str
    decision_type: str | None
    summary: str
    options_json: Json
    default_option: str | None
    timeout_minutes: int | None
    status: str
    requested_at: Moment
    requested_by: str | None
    deadline: datetime | None
    decided_at: Moment
    decided_by: str | None
    choice: str | None
    card_id: str | None
    card_title: str | None

    @property
    def options(self) -> tuple[str, ...] | None:
        """The options as labels, or None when the column does not parse as a list."""
        return option_labels(self.options_json)

    @property
    def options_raw(self) -> str | None:
        """The options as stored, when they do not parse (shown as they are)."""
        return self.options_json.broken if self.options_json else None


class AlertView(Frozen):
    id: str
    severity: str | None
    alert_type: str | None
    source: str | None
    message: str
    acknowledged: bool
    acknowledged_by: str | None
    created_at: Moment
    card_id: str | None
    card_title: str | None


class Totals(Frozen):
    """The header's counts; None where the kind of database has no such thing."""

    cards: int
    active_loops: int | None
    unresolved_errors: int | None
    pending_decisions: int | None
    unacknowledged_alerts: int | None
    critical_alerts: int | None


class ListCount(Frozen):
    """How many rows of one list view match its filters, however few of them were read
    (a list reads a screenful or two; its header says how many there are in all)."""

    matching: int
    parts: dict[str, int] = Field(default_factory=dict)
    """Named counts among them the view's header shows ("critical", "settled")."""


class Urgent(Frozen):
    """Something that calls a human now: a pending decision or an unacknowledged critical
    alert. The newest few are in every snapshot, whatever the lists' filters."""

    kind: Literal["decision", "alert"]
    id: str
    text: str


# The lists a snapshot may carry, each the content of the dashboard view of that name.
LIST_VIEWS: frozenset[str] = frozenset({"loops", "errors", "decisions", "alerts"})
# Views read otherwise than as a list of the snapshot; every other view is read as one
# (Ringmaster's LIST_VIEWS, and any source's own table views) only while it is shown.
SHAPED_NOT_LISTED: frozenset[str] = frozenset({"board", "metrics"})


class BoardQuery(Frozen):
    """What the user asked to see; the loader reads only that."""

    project_id: str | None = None
    text: str = ""
    per_lane: int = 50
    """How many cards each lane reads: what it shows at once and a page more."""
    lane_depths: tuple[tuple[str, int], ...] = ()
    """Lanes read deeper than `per_lane`, as the user scrolls down them: (lane, cards)."""
    show_archived: bool = False
    show_decided: bool = False
    show_acknowledged: bool = False
    list_limit: int = 200
    loop_text: str = ""
    """The loops view's filter (card titles)."""
    error_text: str = ""
    """The errors view's filter (message, type, card title)."""
    error_category: str | None = None
    decision_text: str = ""
    """The decisions view's filter (summary, type, requester)."""
    alert_text: str = ""
    """The alerts view's filter (message, type, source)."""
    view_text: tuple[tuple[str, str], ...] = ()
    """A source's own table views' filters: (view id, text)."""
    view_flags: frozenset[str] = frozenset()
    """Toggles of a source's own views, as "view.flag" ("events.acknowledged")."""
    lists: frozenset[str] = LIST_VIEWS
    """Which of LIST_VIEWS to read. The app asks for the one on screen alone: on a big
    database the loops list costs more than the whole board."""

    def text_of(self, view_id: str) -> str:
        """The filter typed in one of a source's own table views."""
        return dict(self.view_text).get(view_id, "")

    def depth_of(self, lane: str) -> int:
        """How many of `lane`'s cards to read."""
        return max(dict(self.lane_depths).get(lane, 0), self.per_lane)


class Snapshot(Frozen):
    """Everything the dashboard shows, read in one transaction."""

    taken_at: datetime
    query: BoardQuery
    projects: tuple[Project, ...]
    lanes: tuple[LaneView, ...]
    states: dict[str, int]
    loops: tuple[LoopView, ...] = ()
    errors: tuple[ErrorView, ...] = ()
    decisions: tuple[DecisionView, ...] = ()
    alerts: tuple[AlertView, ...] = ()
    totals: Totals
    urgent: tuple[Urgent, ...] = ()
    unavailable: tuple[str, ...] = ()
    """Tables ("alerts") and columns ("cards.priority") this database lacks: a missing
    table's view says so instead of failing; a missing column reads as unknown."""
    tables: dict[str, TableData] = Field(default_factory=dict)
    """The source's own table views' content, by view id (those the query lists)."""
    list_counts: dict[str, ListCount] = Field(default_factory=dict)
    """For each list of LIST_VIEWS read, how many rows match its filters in all; a view
    without one counts the rows it has."""
    counts: dict[str, int] = Field(default_factory=dict)
    """The kind's own counts beyond the header's totals ("deadlocks"), for `status`."""

    def same_content(self, other: Snapshot) -> bool:
        """Would show exactly what `other` shows: equal in all but when it was taken."""
        return all(
            getattr(self, name) == getattr(other, name)
            for name in type(self).model_fields
            if name != "taken_at"
        )


# --- Card detail, loaded on demand for one card ---


class Criterion(Frozen):
    description: str
    met: bool
    met_at: Moment


class Dependency(Frozen):
    card_id: str
    title: str | None
    state: str | None
    dependency_type: str | None


class AttemptView(Frozen):
    id: str
    attempt_number: int
    agent_type: str | None
    status: str | None
    tokens_used: int | None
    cost_usd: float | None
    duration_ms: int | None
    started_at: Moment
    commit_sha: str | None
    diff_stats: Json
    error_message: str | None


class LoopSnapshotView(Frozen):
    iteration: int
    checkpoint_commit: str | None
    created_at: Moment
    state: Json


class DeploymentView(Frozen):
    id: str
    image_tag: str | None
    workflow_status: str | None
    workflow_conclusion: str | None
    argocd_sync_status: str | None
    argocd_health_status: str | None
    namespace: str | None
    replicas_desired: int | None
    replicas_ready: int | None
    created_at: Moment


class TransitionView(Frozen):
    from_state: str
    to_state: str
    trigger: str
    metadata: Json
    created_at: Moment


class CardDetail(Frozen):
    id: str
    project_id: str
    project_name: str | None
    title: str
    description: str | None
    task_prompt: str | None
    state: str
    previous_state: str | None
    priority: int | None
    loop_iteration: int | None
    error_count: int | None
    max_retries: int | None
    total_cost_usd: float | None
    total_time_spent_ms: int | None
    pull_request_url: str | None
    branch_name: str | None
    worktree_path: str | None
    labels: Json
    updated_at: Moment
    criteria: tuple[Criterion, ...]
    blocks: tuple[Dependency, ...]
    """Cards that depend on this one."""
    blocked_by: tuple[Dependency, ...]
    """Cards this one depends on."""
    attempts: tuple[AttemptView, ...]
    errors: tuple[ErrorView, ...]
    loop_snapshots: tuple[LoopSnapshotView, ...]
    deployments: tuple[DeploymentView, ...]
    history: tuple[TransitionView, ...]


# --- One error or one decision in full, loaded on demand ---


class ErrorDetail(Frozen):
    error: ErrorView
    """The error, its message whole (up to the detail limit)."""
    stack_trace: str | None
    context: Json
    resolved_at: Moment


class DecisionDetail(Frozen):
    decision: DecisionView
    """The decision as it is now, its summary whole (up to the detail limit)."""
    context: Json
    comment: str | None

"""SQLAlchemy models mirroring schema.sql (Ringmaster's tables plus decisions and alerts).

schema.sql is the source of truth for `init`; these models are what queries are written
against. tests/test_schema_models.py proves the two agree.
"""

from __future__ import annotations

from sqlalchemy import (
    DDL,
    REAL,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ringmaster_tui.sources.ringmaster.workflow import STATES

_RANDOM_ID = text("(lower(hex(randomblob(16))))")
_NOW = text("(datetime('now'))")
_EMPTY_JSON_ARRAY = text("'[]'")
_ZERO = text("0")


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Base(DeclarativeBase):
    metadata = MetaData()


def _id() -> Mapped[str]:
    # SQLite lets a TEXT PRIMARY KEY hold NULL unless NOT NULL is written; schema.sql
    # does not write it, so neither do we.
    return mapped_column(Text, primary_key=True, nullable=True, server_default=_RANDOM_ID)


def _created_at() -> Mapped[str]:
    return mapped_column(Text, nullable=False, server_default=_NOW)


def _card_fk(ondelete: str = "CASCADE", nullable: bool = False) -> Mapped[str]:
    return mapped_column(Text, ForeignKey("cards.id", ondelete=ondelete), nullable=nullable)


def _attempt_fk() -> Mapped[str | None]:
    return mapped_column(Text, ForeignKey("attempts.id", ondelete="SET NULL"))


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[str] = _id()
    name: Mapped[str] = mapped_column(Text, nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    repository_url: Mapped[str] = mapped_column(Text, nullable=False)
    repository_path: Mapped[str | None] = mapped_column(Text)
    tech_stack: Mapped[str | None] = mapped_column(Text, server_default=_EMPTY_JSON_ARRAY)
    coding_conventions: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[str] = _created_at()
    updated_at: Mapped[str] = _created_at()

    __table_args__ = (Index("idx_projects_name", "name"),)


class Card(Base):
    __tablename__ = "cards"

    id: Mapped[str] = _id()
    project_id: Mapped[str] = mapped_column(
        Text, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
    )
    title: Mapped[str] = mapped_column(Text, nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    task_prompt: Mapped[str] = mapped_column(Text, nullable=False)
    state: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("'draft'"))
    previous_state: Mapped[str | None] = mapped_column(Text)
    state_changed_at: Mapped[str | None] = mapped_column(Text)
    loop_iteration: Mapped[int | None] = mapped_column(Integer, server_default=_ZERO)
    total_time_spent_ms: Mapped[int | None] = mapped_column(Integer, server_default=_ZERO)
    total_cost_usd: Mapped[float | None] = mapped_column(REAL, server_default=text("0.0"))
    error_count: Mapped[int | None] = mapped_column(Integer, server_default=_ZERO)
    max_retries: Mapped[int | None] = mapped_column(Integer, server_default=text("5"))
    worktree_path: Mapped[str | None] = mapped_column(Text)
    branch_name: Mapped[str | None] = mapped_column(Text)
    pull_request_url: Mapped[str | None] = mapped_column(Text)
    deployment_namespace: Mapped[str | None] = mapped_column(Text)
    deployment_name: Mapped[str | None] = mapped_column(Text)
    argocd_app_name: Mapped[str | None] = mapped_column(Text)
    labels: Mapped[str | None] = mapped_column(Text, server_default=_EMPTY_JSON_ARRAY)
    priority: Mapped[int | None] = mapped_column(Integer, server_default=_ZERO)
    deadline: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[str] = _created_at()
    updated_at: Mapped[str] = _created_at()

    __table_args__ = (
        CheckConstraint(f"state IN ({_quoted(STATES)})"),
        Index("idx_cards_project", "project_id"),
        Index("idx_cards_state", "state"),
        Index("idx_cards_updated", text("updated_at DESC")),
        Index("idx_cards_priority", text("priority DESC")),
        Index(
            "idx_cards_state_priority_updated",
            "state",
            text("priority DESC"),
            text("updated_at DESC"),
        ),
        Index(
            "idx_cards_project_state_priority_updated",
            "project_id",
            "state",
            text("priority DESC"),
            text("updated_at DESC"),
        ),
        Index("idx_cards_project_state_cost", "project_id", "state", "total_cost_usd"),
    )


# Seed 000's trigger, created with the table when the models build a database.
event.listen(
    Card.__table__,
    "after_create",
    DDL(  # type: ignore[no-untyped-call]
        "CREATE TRIGGER cards_updated_at AFTER UPDATE ON cards BEGIN "
        "UPDATE cards SET updated_at = datetime('now') WHERE id = NEW.id; END"
    ),
)

# The board filter's trigram index over cards' text, kept in step by triggers (schema.sql
# explains why); created with the table, like the trigger above.
CARD_TEXT_INDEX_DDL: tuple[str, ...] = (
    "CREATE VIRTUAL TABLE cards_fts USING fts5(title, description, content='cards', "
    "content_rowid='rowid', tokenize='trigram')",
    "CREATE TRIGGER cards_fts_insert AFTER INSERT ON cards BEGIN "
    "INSERT INTO cards_fts (rowid, title, description) "
    "VALUES (NEW.rowid, NEW.title, NEW.description); END",
    "CREATE TRIGGER cards_fts_delete AFTER DELETE ON cards BEGIN "
    "INSERT INTO cards_fts (cards_fts, rowid, title, description) "
    "VALUES ('delete', OLD.rowid, OLD.title, OLD.description); END",
    "CREATE TRIGGER cards_fts_update AFTER UPDATE OF title, description ON cards BEGIN "
    "INSERT INTO cards_fts (cards_fts, rowid, title, description) "
    "VALUES ('delete', OLD.rowid, OLD.title, OLD.description); "
    "INSERT INTO cards_fts (rowid, title, description) "
    "VALUES (NEW.rowid, NEW.title, NEW.description); END",
)
for _statement in CARD_TEXT_INDEX_DDL:
    event.listen(Card.__table__, "after_create", DDL(_statement))  # type: ignore[no-untyped-call]


class AcceptanceCriterion(Base):
    __tablename__ = "acceptance_criteria"

    id: Mapped[str] = _id()
    card_id: Mapped[str] = _card_fk()
    description: Mapped[str] = mapped_column(Text, nullable=False)
    met: Mapped[int | None] = mapped_column(Integer, server_default=_ZERO)
    met_at: Mapped[str | None] = mapped_column(Text)
    order_index: Mapped[int] = mapped_column(Integer, nullable=False, server_default=_ZERO)
    created_at: Mapped[str] = _created_at()

    __table_args__ = (Index("idx_acceptance_criteria_card", "card_id"),)


class CardDependency(Base):
    __tablename__ = "card_dependencies"

    id: Mapped[str] = _id()
    card_id: Mapped[str] = _card_fk()
    depends_on_card_id: Mapped[str] = _card_fk()
    dependency_type: Mapped[str | None] = mapped_column(Text, server_default=text("'blocks'"))
    created_at: Mapped[str] = _created_at()

    __table_args__ = (
        CheckConstraint("dependency_type IN ('blocks', 'relates_to', 'duplicates')"),
        CheckConstraint("card_id != depends_on_card_id"),
        UniqueConstraint("card_id", "depends_on_card_id"),
        Index("idx_card_deps_card", "card_id"),
        Index("idx_card_deps_depends_on", "depends_on_card_id"),
    )


class Attempt(Base):
    __tablename__ = "attempts"

    id: Mapped[str] = _id()
    card_id: Mapped[str] = _card_fk()
    attempt_number: Mapped[int] = mapped_column(Integer, nullable=False)
    agent_type: Mapped[str] = mapped_column(
        Text, nullable=False, server_default=text("'claude-opus-4'")
    )
    status: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("'running'"))
    started_at: Mapped[str] = _created_at()
    completed_at: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    tokens_used: Mapped[int | None] = mapped_column(Integer)
    cost_usd: Mapped[float | None] = mapped_column(REAL)
    output: Mapped[str | None] = mapped_column(Text)
    error_message: Mapped[str | None] = mapped_column(Text)
    commit_sha: Mapped[str | None] = mapped_column(Text)
    diff_stats: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("status IN ('running', 'completed', 'failed', 'cancelled')"),
        UniqueConstraint("card_id", "attempt_number"),
        Index("idx_attempts_card", "card_id"),
        Index("idx_attempts_status", "status"),
        Index("idx_attempts_started", text("started_at DESC")),
        Index("idx_attempts_card_started", "card_id", text("started_at DESC")),
        Index("idx_attempts_started_cost", "started_at", "cost_usd"),
    )


class Error(Base):
    __tablename__ = "errors"

    id: Mapped[str] = _id()
    card_id: Mapped[str] = _card_fk()
    attempt_id: Mapped[str | None] = _attempt_fk()
    error_type: Mapped[str] = mapped_column(Text, nullable=False)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    stack_trace: Mapped[str | None] = mapped_column(Text)
    context: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(Text)
    severity: Mapped[str | None] = mapped_column(Text, server_default=text("'error'"))
    resolved: Mapped[int | None] = mapped_column(Integer, server_default=_ZERO)
    resolved_at: Mapped[str | None] = mapped_column(Text)
    resolution_attempt_id: Mapped[str | None] = _attempt_fk()
    created_at: Mapped[str] = _created_at()

    __table_args__ = (
        CheckConstraint("category IN ('build', 'test', 'deploy', 'runtime', 'other')"),
        CheckConstraint("severity IN ('error', 'warning', 'info')"),
        Index("idx_errors_card", "card_id"),
        Index("idx_errors_resolved", "resolved"),
        Index("idx_errors_category", "category"),
        Index("idx_errors_resolved_created", "resolved", text("created_at DESC")),
        Index("idx_errors_card_resolved", "card_id", "resolved"),
    )


class LoopSnapshot(Base):
    __tablename__ = "loop_snapshots"

    id: Mapped[str] = _id()
    card_id: Mapped[str] = _card_fk()
    iteration: Mapped[int] = mapped_column(Integer, nullable=False)
    state: Mapped[str] = mapped_column(Text, nullable=False)
    checkpoint_commit: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[str] = _created_at()

    __table_args__ = (
        Index("idx_loop_snapshots_card", "card_id"),
        Index("idx_loop_snapshots_iteration", "card_id", "iteration"),
    )


class Deployment(Base):
    __tablename__ = "deployments"

    id: Mapped[str] = _id()
    card_id: Mapped[str] = _card_fk()
    build_id: Mapped[str | None] = mapped_column(Text)
    image_tag: Mapped[str | None] = mapped_column(Text)
    image_digest: Mapped[str | None] = mapped_column(Text)
    workflow_run_id: Mapped[int | None] = mapped_column(Integer)
    workflow_status: Mapped[str | None] = mapped_column(Text)
    workflow_conclusion: Mapped[str | None] = mapped_column(Text)
    argocd_app_name: Mapped[str | None] = mapped_column(Text)
    argocd_sync_status: Mapped[str | None] = mapped_column(Text)
    argocd_health_status: Mapped[str | None] = mapped_column(Text)
    argocd_revision: Mapped[int | None] = mapped_column(Integer)
    namespace: Mapped[str | None] = mapped_column(Text)
    deployment_name: Mapped[str | None] = mapped_column(Text)
    replicas_desired: Mapped[int | None] = mapped_column(Integer)
    replicas_ready: Mapped[int | None] = mapped_column(Integer)
    build_started_at: Mapped[str | None] = mapped_column(Text)
    build_completed_at: Mapped[str | None] = mapped_column(Text)
    deploy_started_at: Mapped[str | None] = mapped_column(Text)
    deploy_completed_at: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[str] = _created_at()
    updated_at: Mapped[str] = _created_at()

    __table_args__ = (
        Index("idx_deployments_card", "card_id"),
        Index("idx_deployments_workflow", "workflow_run_id"),
    )


class StateTransition(Base):
    __tablename__ = "state_transitions"

    id: Mapped[str] = _id()
    card_id: Mapped[str] = _card_fk()
    from_state: Mapped[str] = mapped_column(Text, nullable=False)
    to_state: Mapped[str] = mapped_column(Text, nullable=False)
    trigger: Mapped[str] = mapped_column(Text, nullable=False)
    metadata_json: Mapped[str | None] = mapped_column("metadata", Text)
    created_at: Mapped[str] = _created_at()

    __table_args__ = (
        Index("idx_state_trans_card", "card_id"),
        Index("idx_state_trans_created", text("created_at DESC")),
        Index("idx_state_trans_card_created", "card_id", text("created_at DESC")),
    )


class PromptMetric(Base):
    __tablename__ = "prompt_metrics"

    id: Mapped[str] = _id()
    card_id: Mapped[str] = _card_fk()
    attempt_id: Mapped[str | None] = _attempt_fk()
    layer_name: Mapped[str] = mapped_column(Text, nullable=False)
    tokens_added: Mapped[int] = mapped_column(Integer, nullable=False)
    processing_time_ms: Mapped[int] = mapped_column(Integer, nullable=False)
    content_hash: Mapped[str | None] = mapped_column(Text)
    cache_hit: Mapped[int | None] = mapped_column(Integer, server_default=_ZERO)
    created_at: Mapped[str] = _created_at()

    __table_args__ = (
        Index("idx_prompt_metrics_card", "card_id"),
        Index("idx_prompt_metrics_layer", "layer_name"),
        Index("idx_prompt_metrics_created", "created_at"),
    )


class WebsocketSubscription(Base):
    __tablename__ = "websocket_subscriptions"

    id: Mapped[str] = _id()
    connection_id: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    user_id: Mapped[str | None] = mapped_column(Text)
    card_ids: Mapped[str | None] = mapped_column(Text, server_default=_EMPTY_JSON_ARRAY)
    project_ids: Mapped[str | None] = mapped_column(Text, server_default=_EMPTY_JSON_ARRAY)
    connected_at: Mapped[str] = _created_at()
    last_heartbeat: Mapped[str] = _created_at()

    __table_args__ = (
        Index("idx_ws_subs_connection", "connection_id"),
        Index("idx_ws_subs_heartbeat", "last_heartbeat"),
    )


class Decision(Base):
    __tablename__ = "decisions"

    id: Mapped[str] = _id()
    decision_type: Mapped[str] = mapped_column(Text, nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    options: Mapped[str | None] = mapped_column(Text, server_default=_EMPTY_JSON_ARRAY)
    default_option: Mapped[str | None] = mapped_column(Text)
    context: Mapped[str | None] = mapped_column(Text)
    timeout_minutes: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("'pending'"))
    requested_at: Mapped[str] = _created_at()
    requested_by: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(Text)
    choice: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    card_id: Mapped[str | None] = _card_fk(ondelete="SET NULL", nullable=True)

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'decided', 'auto_resolved', 'expired')"),
        Index("idx_decisions_status_requested", "status", "requested_at"),
        Index("idx_decisions_card", "card_id"),
    )


class Alert(Base):
    __tablename__ = "alerts"

    id: Mapped[str] = _id()
    severity: Mapped[str] = mapped_column(Text, nullable=False, server_default=text("'info'"))
    alert_type: Mapped[str] = mapped_column(Text, nullable=False)
    source: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    context: Mapped[str | None] = mapped_column(Text)
    acknowledged: Mapped[int | None] = mapped_column(Integer, server_default=_ZERO)
    acknowledged_by: Mapped[str | None] = mapped_column(Text)
    acknowledged_at: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[str] = _created_at()
    card_id: Mapped[str | None] = _card_fk(ondelete="SET NULL", nullable=True)

    __table_args__ = (
        CheckConstraint("severity IN ('info', 'warning', 'error', 'critical')"),
        Index(
            "idx_alerts_ack_severity_created",
            "acknowledged",
            "severity",
            text("created_at DESC"),
        ),
        Index("idx_alerts_card", "card_id"),
    )


# The tables as Core objects, typed as such, for the loader's and the actions' queries.
TABLES = Base.metadata.tables

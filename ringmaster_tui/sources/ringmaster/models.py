"""SQLAlchemy Core tables mirroring schema.sql (Ringmaster's, plus decisions and alerts).

schema.sql is the source of truth for `init`; these tables are what queries are written
against. tests/test_schema_models.py proves the two agree.
"""

from __future__ import annotations

from sqlalchemy import (
    DDL,
    REAL,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    event,
    text,
)

from ringmaster_tui.sources.ringmaster.workflow import STATES

_RANDOM_ID = text("(lower(hex(randomblob(16))))")
_NOW = text("(datetime('now'))")
_EMPTY_JSON_ARRAY = text("'[]'")
_ZERO = text("0")


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


METADATA = MetaData()


def _id(name: str) -> Column[str]:
    # SQLite lets a TEXT PRIMARY KEY hold NULL unless NOT NULL is written; schema.sql
    # does not write it, so neither do we.
    return Column(name, Text, primary_key=True, nullable=True, server_default=_RANDOM_ID)


def _created_at(name: str) -> Column[str]:
    return Column(name, Text, nullable=False, server_default=_NOW)


def _card_fk(name: str, ondelete: str = "CASCADE", nullable: bool = False) -> Column[str]:
    return Column(name, Text, ForeignKey("cards.id", ondelete=ondelete), nullable=nullable)


def _attempt_fk(name: str) -> Column[str]:
    return Column(name, Text, ForeignKey("attempts.id", ondelete="SET NULL"))


projects = Table(
    "projects",
    METADATA,
    _id("id"),
    Column("name", Text, nullable=False),
    Column("description", Text),
    Column("repository_url", Text, nullable=False),
    Column("repository_path", Text),
    Column("tech_stack", Text, server_default=_EMPTY_JSON_ARRAY),
    Column("coding_conventions", Text),
    _created_at("created_at"),
    _created_at("updated_at"),
    Index("idx_projects_name", "name"),
)


cards = Table(
    "cards",
    METADATA,
    _id("id"),
    Column("project_id", Text, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("title", Text, nullable=False),
    Column("description", Text),
    Column("task_prompt", Text, nullable=False),
    Column("state", Text, nullable=False, server_default=text("'draft'")),
    Column("previous_state", Text),
    Column("state_changed_at", Text),
    Column("loop_iteration", Integer, server_default=_ZERO),
    Column("total_time_spent_ms", Integer, server_default=_ZERO),
    Column("total_cost_usd", REAL, server_default=text("0.0")),
    Column("error_count", Integer, server_default=_ZERO),
    Column("max_retries", Integer, server_default=text("5")),
    Column("worktree_path", Text),
    Column("branch_name", Text),
    Column("pull_request_url", Text),
    Column("deployment_namespace", Text),
    Column("deployment_name", Text),
    Column("argocd_app_name", Text),
    Column("labels", Text, server_default=_EMPTY_JSON_ARRAY),
    Column("priority", Integer, server_default=_ZERO),
    Column("deadline", Text),
    _created_at("created_at"),
    _created_at("updated_at"),
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
    cards,
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
    event.listen(cards, "after_create", DDL(_statement))  # type: ignore[no-untyped-call]


acceptance_criteria = Table(
    "acceptance_criteria",
    METADATA,
    _id("id"),
    _card_fk("card_id"),
    Column("description", Text, nullable=False),
    Column("met", Integer, server_default=_ZERO),
    Column("met_at", Text),
    Column("order_index", Integer, nullable=False, server_default=_ZERO),
    _created_at("created_at"),
    Index("idx_acceptance_criteria_card", "card_id"),
)


card_dependencies = Table(
    "card_dependencies",
    METADATA,
    _id("id"),
    _card_fk("card_id"),
    _card_fk("depends_on_card_id"),
    Column("dependency_type", Text, server_default=text("'blocks'")),
    _created_at("created_at"),
    CheckConstraint("dependency_type IN ('blocks', 'relates_to', 'duplicates')"),
    CheckConstraint("card_id != depends_on_card_id"),
    UniqueConstraint("card_id", "depends_on_card_id"),
    Index("idx_card_deps_card", "card_id"),
    Index("idx_card_deps_depends_on", "depends_on_card_id"),
)


attempts = Table(
    "attempts",
    METADATA,
    _id("id"),
    _card_fk("card_id"),
    Column("attempt_number", Integer, nullable=False),
    Column("agent_type", Text, nullable=False, server_default=text("'claude-opus-4'")),
    Column("status", Text, nullable=False, server_default=text("'running'")),
    _created_at("started_at"),
    Column("completed_at", Text),
    Column("duration_ms", Integer),
    Column("tokens_used", Integer),
    Column("cost_usd", REAL),
    Column("output", Text),
    Column("error_message", Text),
    Column("commit_sha", Text),
    Column("diff_stats", Text),
    CheckConstraint("status IN ('running', 'completed', 'failed', 'cancelled')"),
    UniqueConstraint("card_id", "attempt_number"),
    Index("idx_attempts_card", "card_id"),
    Index("idx_attempts_status", "status"),
    Index("idx_attempts_started", text("started_at DESC")),
    Index("idx_attempts_card_started", "card_id", text("started_at DESC")),
    Index("idx_attempts_started_cost", "started_at", "cost_usd"),
)


errors = Table(
    "errors",
    METADATA,
    _id("id"),
    _card_fk("card_id"),
    _attempt_fk("attempt_id"),
    Column("error_type", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("stack_trace", Text),
    Column("context", Text),
    Column("category", Text),
    Column("severity", Text, server_default=text("'error'")),
    Column("resolved", Integer, server_default=_ZERO),
    Column("resolved_at", Text),
    _attempt_fk("resolution_attempt_id"),
    _created_at("created_at"),
    CheckConstraint("category IN ('build', 'test', 'deploy', 'runtime', 'other')"),
    CheckConstraint("severity IN ('error', 'warning', 'info')"),
    Index("idx_errors_card", "card_id"),
    Index("idx_errors_resolved", "resolved"),
    Index("idx_errors_category", "category"),
    Index("idx_errors_resolved_created", "resolved", text("created_at DESC")),
    Index("idx_errors_card_resolved", "card_id", "resolved"),
)


loop_snapshots = Table(
    "loop_snapshots",
    METADATA,
    _id("id"),
    _card_fk("card_id"),
    Column("iteration", Integer, nullable=False),
    Column("state", Text, nullable=False),
    Column("checkpoint_commit", Text),
    _created_at("created_at"),
    Index("idx_loop_snapshots_card", "card_id"),
    Index("idx_loop_snapshots_iteration", "card_id", "iteration"),
)


deployments = Table(
    "deployments",
    METADATA,
    _id("id"),
    _card_fk("card_id"),
    Column("build_id", Text),
    Column("image_tag", Text),
    Column("image_digest", Text),
    Column("workflow_run_id", Integer),
    Column("workflow_status", Text),
    Column("workflow_conclusion", Text),
    Column("argocd_app_name", Text),
    Column("argocd_sync_status", Text),
    Column("argocd_health_status", Text),
    Column("argocd_revision", Integer),
    Column("namespace", Text),
    Column("deployment_name", Text),
    Column("replicas_desired", Integer),
    Column("replicas_ready", Integer),
    Column("build_started_at", Text),
    Column("build_completed_at", Text),
    Column("deploy_started_at", Text),
    Column("deploy_completed_at", Text),
    _created_at("created_at"),
    _created_at("updated_at"),
    Index("idx_deployments_card", "card_id"),
    Index("idx_deployments_workflow", "workflow_run_id"),
)


state_transitions = Table(
    "state_transitions",
    METADATA,
    _id("id"),
    _card_fk("card_id"),
    Column("from_state", Text, nullable=False),
    Column("to_state", Text, nullable=False),
    Column("trigger", Text, nullable=False),
    Column("metadata", Text),
    _created_at("created_at"),
    Index("idx_state_trans_card", "card_id"),
    Index("idx_state_trans_created", text("created_at DESC")),
    Index("idx_state_trans_card_created", "card_id", text("created_at DESC")),
)


prompt_metrics = Table(
    "prompt_metrics",
    METADATA,
    _id("id"),
    _card_fk("card_id"),
    _attempt_fk("attempt_id"),
    Column("layer_name", Text, nullable=False),
    Column("tokens_added", Integer, nullable=False),
    Column("processing_time_ms", Integer, nullable=False),
    Column("content_hash", Text),
    Column("cache_hit", Integer, server_default=_ZERO),
    _created_at("created_at"),
    Index("idx_prompt_metrics_card", "card_id"),
    Index("idx_prompt_metrics_layer", "layer_name"),
    Index("idx_prompt_metrics_created", "created_at"),
)


websocket_subscriptions = Table(
    "websocket_subscriptions",
    METADATA,
    _id("id"),
    Column("connection_id", Text, nullable=False, unique=True),
    Column("user_id", Text),
    Column("card_ids", Text, server_default=_EMPTY_JSON_ARRAY),
    Column("project_ids", Text, server_default=_EMPTY_JSON_ARRAY),
    _created_at("connected_at"),
    _created_at("last_heartbeat"),
    Index("idx_ws_subs_connection", "connection_id"),
    Index("idx_ws_subs_heartbeat", "last_heartbeat"),
)


decisions = Table(
    "decisions",
    METADATA,
    _id("id"),
    Column("decision_type", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("options", Text, server_default=_EMPTY_JSON_ARRAY),
    Column("default_option", Text),
    Column("context", Text),
    Column("timeout_minutes", Integer),
    Column("status", Text, nullable=False, server_default=text("'pending'")),
    _created_at("requested_at"),
    Column("requested_by", Text),
    Column("decided_at", Text),
    Column("decided_by", Text),
    Column("choice", Text),
    Column("comment", Text),
    _card_fk("card_id", ondelete="SET NULL", nullable=True),
    CheckConstraint("status IN ('pending', 'decided', 'auto_resolved', 'expired')"),
    Index("idx_decisions_status_requested", "status", "requested_at"),
    Index("idx_decisions_card", "card_id"),
)


alerts = Table(
    "alerts",
    METADATA,
    _id("id"),
    Column("severity", Text, nullable=False, server_default=text("'info'")),
    Column("alert_type", Text, nullable=False),
    Column("source", Text),
    Column("message", Text, nullable=False),
    Column("context", Text),
    Column("acknowledged", Integer, server_default=_ZERO),
    Column("acknowledged_by", Text),
    Column("acknowledged_at", Text),
    _created_at("created_at"),
    _card_fk("card_id", ondelete="SET NULL", nullable=True),
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
TABLES = METADATA.tables

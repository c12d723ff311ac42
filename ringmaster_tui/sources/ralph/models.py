"""Ralph's tables as SQLAlchemy Core objects, for queries that run on every engine.

Timestamps and JSON are declared as text: SQLite stores them so, and the view models
parse whatever an engine returns (domain/values.py). `users` is declared without its
password_hash: no statement built here can read it.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(50), nullable=False),
    sa.Column("created_at", sa.Text),
    sa.Column("last_login", sa.Text),
)

projects = sa.Table(
    "projects",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("backend_repo_url", sa.String(500)),
    sa.Column("mobile_repo_url", sa.String(500)),
    sa.Column("frontend_repo_url", sa.String(500)),
    sa.Column("status", sa.String(50)),
    sa.Column("created_at", sa.Text),
    sa.Column("updated_at", sa.Text),
    sa.Column("created_by", sa.Integer),
)

features = sa.Table(
    "features",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("project_id", sa.Integer, nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("branch_name", sa.String(255), nullable=False),
    sa.Column("prd_json", sa.Text, nullable=False),
    sa.Column("status", sa.String(50)),
    sa.Column("total_stories", sa.Integer),
    sa.Column("completed_stories", sa.Integer),
    sa.Column("created_at", sa.Text),
    sa.Column("updated_at", sa.Text),
    sa.Column("started_at", sa.Text),
    sa.Column("completed_at", sa.Text),
)

stories = sa.Table(
    "stories",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("feature_id", sa.Integer, nullable=False),
    sa.Column("story_id", sa.String(50), nullable=False),
    sa.Column("repo", sa.String(50), nullable=False),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("acceptance_criteria", sa.Text),
    sa.Column("priority", sa.Integer),
    sa.Column("status", sa.String(50)),
    sa.Column("dependencies", sa.Text),
    sa.Column("assigned_agent", sa.String(100)),
    sa.Column("attempt_count", sa.Integer),
    sa.Column("created_at", sa.Text),
    sa.Column("updated_at", sa.Text),
    sa.Column("started_at", sa.Text),
    sa.Column("completed_at", sa.Text),
)

story_history = sa.Table(
    "story_history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("story_id", sa.Integer, nullable=False),
    sa.Column("timestamp", sa.Text),
    sa.Column("action", sa.String(100), nullable=False),
    sa.Column("agent", sa.String(100)),
    sa.Column("notes", sa.Text),
    sa.Column("metadata", sa.Text),
)

agent_executions = sa.Table(
    "agent_executions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("story_id", sa.Integer, nullable=False),
    sa.Column("agent_name", sa.String(100), nullable=False),
    sa.Column("started_at", sa.Text),
    sa.Column("completed_at", sa.Text),
    sa.Column("status", sa.String(50)),
    sa.Column("input_data", sa.Text),
    sa.Column("output_data", sa.Text),
    sa.Column("error_message", sa.Text),
    sa.Column("duration_seconds", sa.Integer),
)

quality_gate_results = sa.Table(
    "quality_gate_results",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("story_id", sa.Integer, nullable=False),
    sa.Column("gate_name", sa.String(100), nullable=False),
    sa.Column("status", sa.String(50), nullable=False),
    sa.Column("timestamp", sa.Text),
    sa.Column("details", sa.Text),
    sa.Column("agent_execution_id", sa.Integer),
)

git_commits = sa.Table(
    "git_commits",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("story_id", sa.Integer, nullable=False),
    sa.Column("feature_id", sa.Integer, nullable=False),
    sa.Column("repo", sa.String(50), nullable=False),
    sa.Column("commit_hash", sa.String(40), nullable=False),
    sa.Column("commit_message", sa.Text, nullable=False),
    sa.Column("files_changed", sa.Text),
    sa.Column("timestamp", sa.Text),
)

progress_logs = sa.Table(
    "progress_logs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("feature_id", sa.Integer, nullable=False),
    sa.Column("story_id", sa.Integer),
    sa.Column("timestamp", sa.Text),
    sa.Column("agent", sa.String(100)),
    sa.Column("log_type", sa.String(50)),
    sa.Column("message", sa.Text, nullable=False),
)

system_logs = sa.Table(
    "system_logs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("timestamp", sa.Text),
    sa.Column("level", sa.String(20), nullable=False),
    sa.Column("source", sa.String(100), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("metadata", sa.Text),
)

"""A small Ralph database written with plain sqlite3, as Ralph itself would write it, at
fixed times before tests.builders.NOW: every status, a blocked story, an unknown status,
a feature whose counters disagree with its stories, hostile text, and a password hash
that must never be shown."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from ringmaster_tui.engines import create_database
from ringmaster_tui.sources.ralph.schema import schema_sql
from tests.builders import ago

SECRET_HASH = "$2b$12$SECRETxHASHxNEVERxSHOWNxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

# (feature, story_id, repo, title, status, priority, deps, agent, attempts)
STORIES = (
    (1, "US-001", "backend", "Cart totals with tax", "done", 1, [], "qa-agent", 1),
    (1, "US-002", "backend", "Payment intent endpoint", "review", 1, ["US-001"], "reviewer", 1),
    (1, "US-003", "frontend", "Checkout form", "in_progress", 2, ["US-002"], "developer", 2),
    (1, "US-004", "backend", "Receipt email", "failed", 3, [], "developer", 3),
    (2, "US-001", "backend", "Search index", "done", 1, [], "qa-agent", 1),
    (
        2,
        "US-002",
        "backend",
        "Search API [red]filters[/red]",
        "testing",
        1,
        ["US-001"],
        "qa-agent",
        2,
    ),
    (3, "US-001", "mobile", "Local job cache", "rework", 1, [], "developer", 2),
    (3, "US-002", "mobile", "Sync queue", "pending", 2, ["US-001"], None, 0),
    (3, "US-003", "mobile", "Conflict banner", "parked", 3, "not json", None, 0),
)


def story_pk(db: Path, story_id: str, feature: int) -> str:
    with closing(sqlite3.connect(db)) as conn:
        row = conn.execute(
            "SELECT id FROM stories WHERE story_id = ? AND feature_id = ?", (story_id, feature)
        ).fetchone()
    return str(row[0])


def build_ralph_db(path: Path) -> Path:
    create_database(path, schema_sql()).dispose()
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "INSERT INTO users (username, password_hash) VALUES ('ops', ?)", (SECRET_HASH,)
        )
        for name, status in (
            ("Shopfront", "running"),
            ("Field App", "paused"),
            ("Billing", "idle"),
        ):
            conn.execute(
                "INSERT INTO projects (name, status, backend_repo_url, created_at, updated_at)"
                " VALUES (?, ?, 'https://git.example.com/x.git', ?, ?)",
                (name, status, ago(days=3), ago(days=1)),
            )
        for project, name, branch, status, total, completed in (
            (1, "Checkout", "ralph/checkout", "in_progress", 4, 1),
            (1, "Search", "ralph/search", "in_progress", 3, 0),
            (2, "Offline jobs", "ralph/offline", "in_progress", 3, 0),
        ):
            conn.execute(
                "INSERT INTO features (project_id, name, branch_name, prd_json, status,"
                " total_stories, completed_stories, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    project,
                    name,
                    branch,
                    json.dumps({"userStories": []}),
                    status,
                    total,
                    completed,
                    ago(days=2),
                ),
            )
        for n, (feature, sid, repo, title, status, priority, deps, agent, attempts) in enumerate(
            STORIES
        ):
            conn.execute(
                "INSERT INTO stories (feature_id, story_id, repo, title, description,"
                " acceptance_criteria, priority, status, dependencies, assigned_agent,"
                " attempt_count, created_at, updated_at)"
                f" VALUES ({', '.join('?' * 13)})",
                (
                    feature,
                    sid,
                    repo,
                    title,
                    f"As a shopper I want {title.lower()}.",
                    json.dumps(["Totals include VAT", "Rounding matches the ledger"])
                    if n != 6
                    else "[broken",
                    priority,
                    status,
                    deps if isinstance(deps, str) else json.dumps(deps),
                    agent,
                    attempts,
                    ago(days=2),
                    ago(hours=10 - n),
                ),
            )
        review = 2  # US-002 of Checkout
        conn.executemany(
            "INSERT INTO story_history (story_id, timestamp, action, agent, notes)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                (review, ago(hours=5), "implementation_started", "developer", None),
                (review, ago(hours=4), "implementation_completed", "developer", "All tests green"),
            ],
        )
        conn.execute(
            "INSERT INTO agent_executions (story_id, agent_name, started_at, completed_at, status,"
            " input_data, output_data, duration_seconds)"
            " VALUES (?, 'developer', ?, ?, 'success', ?, ?, 754)",
            (
                review,
                ago(hours=5),
                ago(hours=4),
                json.dumps({"task": "implement US-002"}),
                json.dumps({"summary": "Added POST /payments", "tests": 12}),
            ),
        )
        conn.execute(
            "INSERT INTO agent_executions (story_id, agent_name, started_at, status)"
            " VALUES (3, 'developer', ?, 'running')",
            (ago(minutes=25),),
        )
        conn.execute(
            "INSERT INTO agent_executions (story_id, agent_name, started_at, completed_at, status,"
            " error_message, duration_seconds) VALUES (4, 'developer', ?, ?, 'failed', ?, 900)",
            (ago(hours=3), ago(hours=2), "Agent timed out after 900 s\x1b]2;pwned\x07"),
        )
        conn.execute(
            "INSERT INTO quality_gate_results (story_id, gate_name, status, timestamp, details)"
            " VALUES (?, 'code_review', 'pass', ?, ?)",
            (review, ago(hours=3, minutes=30), json.dumps({"issues": []})),
        )
        conn.execute(
            "INSERT INTO quality_gate_results (story_id, gate_name, status, timestamp, details)"
            " VALUES (6, 'qa', 'fail', ?, ?)",
            (ago(hours=1), json.dumps({"failed_tests": ["test_filters"]})),
        )
        conn.execute(
            "INSERT INTO git_commits (story_id, feature_id, repo, commit_hash, commit_message,"
            " files_changed, timestamp) VALUES (?, 1, 'backend', ?, ?, ?, ?)",
            (
                review,
                "0123456789abcdef0123456789abcdef01234567",
                "feat: US-002 payment intent",
                json.dumps(["src/payments.py", "tests/test_payments.py"]),
                ago(hours=4),
            ),
        )
        conn.executemany(
            "INSERT INTO progress_logs (feature_id, story_id, timestamp, agent, log_type, message)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    1,
                    review,
                    ago(hours=4),
                    "developer",
                    "learning",
                    "The sandbox rejects amounts under 50 cents",
                ),
                (
                    1,
                    None,
                    ago(hours=3),
                    "reviewer",
                    "info",
                    "US-002 needs the idempotency key documented",
                ),
                (1, None, ago(hours=2), "reviewer", "info", "Unrelated note on US-004"),
            ],
        )
        conn.execute(
            "INSERT INTO system_logs (timestamp, level, source, message, metadata)"
            " VALUES (?, 'ERROR', 'worker', 'Worker 2 lost its lease', ?)",
            (ago(minutes=50), json.dumps({"worker": 2})),
        )
        conn.execute(
            "INSERT INTO system_logs (timestamp, level, source, message)"
            " VALUES (?, 'INFO', 'orchestrator', 'Started')",
            (ago(hours=9),),
        )
    return path

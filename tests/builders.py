"""Builds real SQLite databases with known contents for the tests.

Ids are readable and deterministic ("card-3"), timestamps are relative to a fixed NOW,
so every figure a test checks is known by hand.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

from ringmaster_tui.domain.timefmt import sqlite_timestamp
from ringmaster_tui.sources.ringmaster.schema import create_ringmaster_database

NOW = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)


def ago(**delta: float) -> str:
    return sqlite_timestamp(NOW - timedelta(**delta))


class DbBuilder:
    """Inserts rows with plain sqlite3, as another tool writing the database would."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.exists():
            create_ringmaster_database(path).dispose()
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA foreign_keys = ON")
        self._ids = count(1)

    def _next(self, prefix: str) -> str:
        return f"{prefix}-{next(self._ids)}"

    def insert(self, table: str, **values: Any) -> str:
        values.setdefault("id", self._next(table.rstrip("s")))
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        self.conn.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values())
        )
        return str(values["id"])

    def project(self, name: str = "alpha", **values: Any) -> str:
        values.setdefault("repository_url", f"https://example.com/{name}.git")
        values.setdefault("id", f"project-{name}")
        return self.insert("projects", name=name, **values)

    def card(self, project: str, title: str, state: str = "draft", **values: Any) -> str:
        values.setdefault("task_prompt", f"Do: {title}")
        values.setdefault("updated_at", ago(hours=1))
        values.setdefault("created_at", ago(days=2))
        # The schema's updated_at trigger fires on UPDATE only, so these values stand.
        return self.insert("cards", project_id=project, title=title, state=state, **values)

    def criterion(self, card: str, description: str, met: bool = False, order: int = 0) -> str:
        return self.insert(
            "acceptance_criteria",
            card_id=card,
            description=description,
            met=int(met),
            order_index=order,
        )

    def attempt(self, card: str, number: int, status: str = "completed", **values: Any) -> str:
        values.setdefault("started_at", ago(hours=10 - number))
        return self.insert("attempts", card_id=card, attempt_number=number, status=status, **values)

    def error(self, card: str, message: str, **values: Any) -> str:
        values.setdefault("error_type", "TestFailure")
        values.setdefault("created_at", ago(minutes=30))
        return self.insert("errors", card_id=card, message=message, **values)

    def dependency(self, card: str, depends_on: str, kind: str = "blocks") -> str:
        return self.insert(
            "card_dependencies", card_id=card, depends_on_card_id=depends_on, dependency_type=kind
        )

    def transition(self, card: str, from_state: str, to_state: str, **values: Any) -> str:
        values.setdefault("trigger", "agent_completed")
        values.setdefault("created_at", ago(hours=2))
        return self.insert(
            "state_transitions", card_id=card, from_state=from_state, to_state=to_state, **values
        )

    def decision(self, summary: str, options: list[str] | str, **values: Any) -> str:
        raw = options if isinstance(options, str) else json.dumps(options)
        values.setdefault("decision_type", "architecture")
        values.setdefault("requested_at", ago(minutes=10))
        values.setdefault("timeout_minutes", 60)
        values.setdefault("requested_by", "agent-1")
        return self.insert("decisions", summary=summary, options=raw, **values)

    def alert(self, message: str, severity: str = "warning", **values: Any) -> str:
        values.setdefault("alert_type", "stuck")
        values.setdefault("source", "monitor")
        values.setdefault("created_at", ago(minutes=5))
        return self.insert("alerts", message=message, severity=severity, **values)

    def update_card(self, card: str, **values: Any) -> None:
        """Set columns of a card and keep its updated_at, as a fixed-clock test needs.

        The schema's trigger restamps updated_at with the real clock on every UPDATE, so
        it is set aside for this one statement, as an import tool would.
        """
        trigger_sql = self.conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'cards_updated_at'"
        ).fetchone()[0]
        assignments = ", ".join(f"{column} = ?" for column in values)
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("DROP TRIGGER cards_updated_at")
        self.conn.execute(f"UPDATE cards SET {assignments} WHERE id = ?", [*values.values(), card])
        self.conn.execute(trigger_sql)
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


def build_standard_board(path: Path) -> DbBuilder:
    """A small board whose every count is written down in tests/test_status.py."""
    b = DbBuilder(path)
    alpha = b.project("alpha")
    beta = b.project("beta")
    b.card(alpha, "Write the plan", "draft", priority=1)
    b.card(alpha, "Sketch the API", "draft", priority=3)
    planned = b.card(alpha, "Plan with criteria", "planning", priority=2)
    b.criterion(planned, "Endpoints return JSON")
    b.card(alpha, "Plan without criteria", "planning")
    coding = b.card(
        alpha, "Implement login", "coding", priority=5, loop_iteration=3, total_cost_usd=1.25
    )
    fixing = b.card(
        beta,
        "Fix flaky test",
        "error_fixing",
        priority=4,
        loop_iteration=7,
        total_cost_usd=2.5,
        error_count=2,
        max_retries=5,
    )
    b.card(alpha, "Review me", "code_review", pull_request_url="https://example.com/pr/1")
    b.card(alpha, "Review without PR", "code_review")
    b.card(beta, "Run the tests", "testing")
    b.card(beta, "Queued build", "build_queue")
    b.card(beta, "Broken build", "build_failed")
    b.card(beta, "Deploying", "deploying")
    done = b.card(alpha, "Shipped", "completed")
    b.card(beta, "Gave up", "failed")
    b.card(alpha, "Old news", "archived")
    b.dependency(coding, done)
    b.dependency(fixing, coding)  # blocked: coding is not finished
    for n in (1, 2, 3):
        b.attempt(coding, n, cost_usd=0.4 + n / 10, tokens_used=1000 * n, duration_ms=60_000)
    first = b.attempt(fixing, 1, "failed", cost_usd=1.0, duration_ms=120_000)
    b.error(fixing, "AssertionError: expected 200", attempt_id=first, category="test")
    b.error(fixing, "Timeout in CI", category="build", created_at=ago(minutes=5))
    b.error(coding, "Old problem", resolved=1, resolved_at=ago(hours=1))
    b.decision("Pick a database", ["sqlite", "postgres"], default_option="sqlite", card_id=coding)
    b.decision(
        "Retry or abandon?",
        ["retry", "abandon"],
        timeout_minutes=15,
        default_option="retry",
        card_id=fixing,
    )
    b.decision("Old question", ["a", "b"], status="decided", choice="a", decided_by="ann")
    b.alert("Loop stuck for 30 minutes", "critical", card_id=fixing)
    b.alert("Cost above budget", "warning")
    b.alert("Seen already", "error", acknowledged=1, acknowledged_by="ann")
    return b

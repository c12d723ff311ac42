"""What a live orchestrator writes, one realistic change at a time.

Shared by the demo data (many changes at once, at chosen times) and the simulator (one
change per write transaction, now). Cards only ever move along the state machine's
system transitions, each move with its state_transitions row in the same transaction.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.domain import states as sm
from ringmaster_tui.domain.timefmt import sqlite_timestamp
from ringmaster_tui.sim import texts
from ringmaster_tui.sim.gitrepo import DemoRepo
from ringmaster_tui.store.ringmaster.models import TABLES
from ringmaster_tui.store.ringmaster.transitions import move_card

# Trigger names an orchestrator would record for each system move.
SYSTEM_TRIGGERS: dict[tuple[str, str], str] = {
    (sm.CODING, sm.CODE_REVIEW): "agent_completed",
    (sm.TESTING, sm.BUILD_QUEUE): "tests_passed",
    (sm.BUILD_QUEUE, sm.BUILDING): "build_started",
    (sm.BUILDING, sm.BUILD_SUCCESS): "build_succeeded",
    (sm.BUILDING, sm.BUILD_FAILED): "build_failed",
    (sm.BUILD_SUCCESS, sm.DEPLOY_QUEUE): "deploy_requested",
    (sm.DEPLOY_QUEUE, sm.DEPLOYING): "deploy_started",
    (sm.DEPLOYING, sm.VERIFYING): "rollout_complete",
    (sm.VERIFYING, sm.COMPLETED): "verified",
    (sm.ERROR_FIXING, sm.CODING): "fix_applied",
    (sm.ERROR_FIXING, sm.BUILD_QUEUE): "fix_applied",
    (sm.ERROR_FIXING, sm.DEPLOY_QUEUE): "fix_applied",
}
RETRIES_EXHAUSTED = "retries_exhausted"
ERROR_DETECTED = "error_detected"
SIMULATOR = {"by": "simulator"}


def system_trigger(from_state: str, to_state: str) -> str:
    if to_state == sm.FAILED:
        return RETRIES_EXHAUSTED
    if to_state == sm.ERROR_FIXING:
        return ERROR_DETECTED
    return SYSTEM_TRIGGERS.get((from_state, to_state), "orchestrator")


class Orchestrator:
    """Writes rows inside a transaction it is given, with a clock and a random source."""

    def __init__(self, rnd: random.Random, repo_root: Path | None) -> None:
        self.rnd = rnd
        self.repo_root = repo_root

    def _insert(self, conn: Connection, table: str, **values: Any) -> str:
        """Insert a row; its id comes from the seeded random source, so runs repeat."""
        values.setdefault("id", self.rnd.getrandbits(128).to_bytes(16, "big").hex())
        conn.execute(sa.insert(TABLES[table]).values(**values))
        return str(values["id"])

    # --- projects and cards ---

    def add_project(self, conn: Connection, name: str, now: datetime) -> str:
        repo_path = None
        if self.repo_root is not None:
            repo = DemoRepo(self.repo_root / name).ensure()
            repo_path = str(repo.path)
        return self._insert(
            conn,
            "projects",
            name=name,
            description=f"The {name} service",
            repository_url=f"https://git.example.com/{name}.git",
            repository_path=repo_path,
            tech_stack=json.dumps(["python", "sqlite"]),
            created_at=sqlite_timestamp(now),
            updated_at=sqlite_timestamp(now),
        )

    def add_card(
        self, conn: Connection, project_id: str, state: str, now: datetime, **values: Any
    ) -> str:
        title = values.pop("title", None) or texts.card_title(self.rnd)
        values.setdefault("description", f"{title}. Keep the public API stable.")
        values.setdefault("priority", self.rnd.randint(0, 5))
        values.setdefault("labels", json.dumps(self.rnd.sample(["backend", "ui", "infra"], 1)))
        stamp = sqlite_timestamp(now)
        card_id = self._insert(
            conn,
            "cards",
            project_id=project_id,
            title=title,
            task_prompt=f"Implement: {title}",
            state=state,
            state_changed_at=stamp,
            branch_name=f"card/{texts.subject_slug(title)}",
            created_at=stamp,
            updated_at=stamp,
            **values,
        )
        for order in range(self.rnd.randint(1, 3)):
            self._insert(
                conn,
                "acceptance_criteria",
                card_id=card_id,
                description=f"Criterion {order + 1} of {title}",
                met=int(state in sm.FINISHED_STATES),
                order_index=order,
                created_at=stamp,
            )
        return card_id

    def move(self, conn: Connection, card_id: str, from_state: str, to_state: str) -> bool:
        assert sm.is_system_transition(from_state, to_state), (from_state, to_state)
        trigger = system_trigger(from_state, to_state)
        return move_card(conn, card_id, from_state, to_state, trigger, SIMULATOR)

    # --- loop work: attempts, commits, errors, snapshots, metrics ---

    def run_attempt(self, conn: Connection, card_id: str, now: datetime, failed: bool) -> str:
        card = conn.execute(
            sa.select(
                TABLES["cards"].c.title,
                TABLES["cards"].c.loop_iteration,
                TABLES["projects"].c.repository_path,
            )
            .select_from(
                TABLES["cards"].join(
                    TABLES["projects"], TABLES["projects"].c.id == TABLES["cards"].c.project_id
                )
            )
            .where(TABLES["cards"].c.id == card_id)
        ).one()
        attempts = TABLES["attempts"]
        number = (
            conn.execute(
                sa.select(sa.func.max(attempts.c.attempt_number)).where(
                    attempts.c.card_id == card_id
                )
            ).scalar()
            or 0
        ) + 1
        duration_ms = self.rnd.randint(30_000, 600_000)
        tokens = self.rnd.randint(2_000, 60_000)
        cost = round(tokens * 0.000015, 4)
        sha, stats = self._commit(card.repository_path, card.title, number, failed)
        attempt_id = self._insert(
            conn,
            "attempts",
            card_id=card_id,
            attempt_number=number,
            agent_type=self.rnd.choice(texts.AGENTS),
            status="failed" if failed else "completed",
            started_at=sqlite_timestamp(now - timedelta(milliseconds=duration_ms)),
            completed_at=sqlite_timestamp(now),
            duration_ms=duration_ms,
            tokens_used=tokens,
            cost_usd=cost,
            output=texts.agent_output(self.rnd, card.title, number, failed),
            error_message="tests did not pass" if failed else None,
            commit_sha=sha,
            diff_stats=json.dumps(stats) if stats else None,
        )
        iteration = (card.loop_iteration or 0) + 1
        cards = TABLES["cards"]
        conn.execute(
            sa.update(cards)
            .where(cards.c.id == card_id)
            .values(
                loop_iteration=iteration,
                total_cost_usd=sa.func.coalesce(cards.c.total_cost_usd, 0) + cost,
                total_time_spent_ms=sa.func.coalesce(cards.c.total_time_spent_ms, 0) + duration_ms,
                error_count=sa.func.coalesce(cards.c.error_count, 0) + int(failed),
            )
        )
        self._insert(
            conn,
            "loop_snapshots",
            card_id=card_id,
            iteration=iteration,
            state=texts.loop_state(self.rnd, iteration),
            checkpoint_commit=sha,
            created_at=sqlite_timestamp(now),
        )
        for layer in texts.LAYERS:
            self._insert(
                conn,
                "prompt_metrics",
                card_id=card_id,
                attempt_id=attempt_id,
                layer_name=layer,
                tokens_added=self.rnd.randint(200, 8_000),
                processing_time_ms=self.rnd.randint(5, 400),
                cache_hit=int(self.rnd.random() < 0.6),
                created_at=sqlite_timestamp(now),
            )
        if failed:
            self.add_error(conn, card_id, attempt_id, card.title, now)
        return attempt_id

    def _commit(
        self, repository_path: str | None, title: str, number: int, failed: bool
    ) -> tuple[str | None, dict[str, int] | None]:
        if repository_path is None or not Path(repository_path, ".git").exists():
            return None, None
        repo = DemoRepo(Path(repository_path))
        slug = texts.subject_slug(title)
        body = "\n".join(f"    step_{i} = {self.rnd.randint(0, 99)}" for i in range(number + 3))
        sha = repo.commit(
            f"{title} (attempt {number}{', failing' if failed else ''})",
            {
                f"src/{slug}.py": f"def {slug}():\n{body}\n    return True\n",
                f"tests/test_{slug}.py": f"def test_{slug}():\n    assert {not failed}\n",
            },
        )
        return sha, repo.diff_stats(sha)

    def add_error(
        self, conn: Connection, card_id: str, attempt_id: str | None, title: str, now: datetime
    ) -> str:
        category, error_type, message = self.rnd.choice(texts.ERROR_KINDS)
        slug = texts.subject_slug(title)
        return self._insert(
            conn,
            "errors",
            card_id=card_id,
            attempt_id=attempt_id,
            error_type=error_type,
            message=message.format(subject=slug),
            stack_trace=texts.stack_trace(error_type, slug),
            context=json.dumps({"file": f"src/{slug}.py", "line": 42}),
            category=category,
            severity=self.rnd.choice(["error", "error", "warning"]),
            created_at=sqlite_timestamp(now),
        )

    def resolve_error(self, conn: Connection, error_id: str, now: datetime) -> bool:
        errors = TABLES["errors"]
        return bool(
            conn.execute(
                sa.update(errors)
                .where(errors.c.id == error_id, errors.c.resolved == 0)
                .values(resolved=1, resolved_at=sqlite_timestamp(now))
            ).rowcount
        )

    def add_deployment(self, conn: Connection, card_id: str, now: datetime) -> str:
        stamp = sqlite_timestamp(now)
        return self._insert(
            conn,
            "deployments",
            card_id=card_id,
            build_id=f"build-{self.rnd.randint(1000, 9999)}",
            image_tag=f"v1.{self.rnd.randint(0, 40)}.{self.rnd.randint(0, 9)}",
            workflow_run_id=self.rnd.randint(10_000, 99_999),
            workflow_status="completed",
            workflow_conclusion="success",
            argocd_app_name="demo-app",
            argocd_sync_status="Synced",
            argocd_health_status=self.rnd.choice(["Healthy", "Progressing"]),
            namespace="demo",
            deployment_name="demo-app",
            replicas_desired=3,
            replicas_ready=self.rnd.randint(1, 3),
            build_started_at=stamp,
            created_at=stamp,
            updated_at=stamp,
        )

    # --- decisions and alerts ---

    def add_decision(
        self, conn: Connection, card_id: str | None, title: str, now: datetime, timeout: int
    ) -> str:
        kind, summary, options = self.rnd.choice(texts.DECISIONS)
        return self._insert(
            conn,
            "decisions",
            decision_type=kind,
            summary=summary.format(title=title),
            options=json.dumps(options),
            default_option=options[0],
            context=json.dumps({"card": title, "attempts": self.rnd.randint(1, 5)}),
            timeout_minutes=timeout,
            status="pending",
            requested_at=sqlite_timestamp(now),
            requested_by=f"loop-{self.rnd.randint(1, 4)}",
            card_id=card_id,
        )

    def auto_resolve_expired(self, conn: Connection, now: datetime) -> int:
        """Settle pending decisions whose time ran out with their default, as `auto`."""
        decisions = TABLES["decisions"]
        deadline = sa.func.datetime(
            decisions.c.requested_at,
            "+" + sa.cast(decisions.c.timeout_minutes, sa.Text) + " minutes",
        )
        return int(
            conn.execute(
                sa.update(decisions)
                .where(
                    decisions.c.status == "pending",
                    decisions.c.timeout_minutes.is_not(None),
                    deadline <= sqlite_timestamp(now),
                )
                .values(
                    status="auto_resolved",
                    decided_by="auto",
                    decided_at=sqlite_timestamp(now),
                    choice=decisions.c.default_option,
                )
            ).rowcount
        )

    def add_alert(
        self, conn: Connection, card_id: str | None, title: str, now: datetime, severity: str
    ) -> str:
        kind, message = self.rnd.choice(texts.ALERTS)
        return self._insert(
            conn,
            "alerts",
            severity=severity,
            alert_type=kind,
            source="monitor",
            message=message.format(title=title),
            context=json.dumps({"card": title}),
            created_at=sqlite_timestamp(now),
            card_id=card_id,
        )

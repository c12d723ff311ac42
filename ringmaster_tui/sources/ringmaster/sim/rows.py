"""Writing an orchestrator's rows, inside a write transaction someone else opened.

The demo data and the simulator write through these same helpers. Ids are UUIDs, as
Ringmaster writes them, drawn from a random source, so a seeded run writes the same rows;
one a table already holds is drawn again, since a database may hold the rows of a run
from the same seed. `tally` counts what was written, under SimulationReport's field names.

The cards table has an AFTER UPDATE trigger that stamps updated_at with the real clock,
so the demo inserts each card with its final figures and never updates it; only the
simulator updates cards (on a simulated clock, their updated_at is still the real time;
everything else it writes, moves included, carries its clock's time).
"""

from __future__ import annotations

import json
import random
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.domain.timefmt import sqlite_timestamp
from ringmaster_tui.sources.ringmaster import workflow as sm
from ringmaster_tui.sources.ringmaster.models import TABLES
from ringmaster_tui.sources.ringmaster.sim import lifecycle, texts
from ringmaster_tui.sources.ringmaster.sim.agent import AgentWork
from ringmaster_tui.sources.ringmaster.sim.gitrepo import Commit
from ringmaster_tui.sources.ringmaster.transitions import move_card

projects = TABLES["projects"]
cards = TABLES["cards"]
attempts = TABLES["attempts"]
errors = TABLES["errors"]
deployments = TABLES["deployments"]
decisions = TABLES["decisions"]
criteria = TABLES["acceptance_criteria"]


# Built once: building a statement costs more than running it, step after step.
_INSERT = {name: sa.insert(table) for name, table in TABLES.items()}
_ID_TAKEN = {
    name: sa.select(table.c.id).where(table.c.id == sa.bindparam("id"))
    for name, table in TABLES.items()
    if "id" in table.c
}
_ADD_TO_CARD = (
    sa.update(cards)
    .where(cards.c.id == sa.bindparam("card"))
    .values(
        loop_iteration=sa.func.coalesce(cards.c.loop_iteration, 0) + sa.bindparam("iterations"),
        total_cost_usd=sa.func.round(
            sa.func.coalesce(cards.c.total_cost_usd, 0.0) + sa.bindparam("cost"), 4
        ),
        total_time_spent_ms=sa.func.coalesce(cards.c.total_time_spent_ms, 0) + sa.bindparam("time"),
        error_count=sa.func.coalesce(cards.c.error_count, 0) + sa.bindparam("errors"),
    )
)
_LOOP_ITERATION = sa.select(cards.c.loop_iteration).where(cards.c.id == sa.bindparam("card"))
_DEADLINE = sa.func.datetime(
    decisions.c.requested_at,
    sa.literal("+") + sa.cast(decisions.c.timeout_minutes, sa.Text) + " minutes",
)
_AUTO_RESOLVE = (
    sa.update(decisions)
    .where(
        decisions.c.status == "pending",
        decisions.c.timeout_minutes.is_not(None),
        sa.bindparam("now") >= _DEADLINE,
    )
    .values(
        status="auto_resolved",
        decided_by="auto",
        decided_at=sa.bindparam("now"),
        choice=decisions.c.default_option,
    )
)


def random_uuid(rnd: random.Random) -> str:
    return str(uuid.UUID(int=rnd.getrandbits(128), version=4))


def pull_request_url(spec: texts.ProjectSpec, number: int) -> str:
    return f"https://git.example.com/acme/{spec.name}/pull/{number}"


@dataclass(frozen=True)
class CardRef:
    """What the writers need to know of a card to make up its work."""

    id: str
    title: str
    spec: texts.ProjectSpec


class Rows:
    def __init__(
        self, conn: Connection, rnd: random.Random, ids: random.Random | None = None
    ) -> None:
        """`rnd` makes up the rows; new ids come from `ids`, or from `rnd` without it."""
        self.conn = conn
        self.rnd = rnd
        self.ids = rnd if ids is None else ids
        self.tally: Counter[str] = Counter()

    def insert(self, table: str, **values: Any) -> str:
        if "id" not in values:
            values["id"] = self.new_id(table)
        # Values as parameters, not in the statement: its compiled form is cached.
        self.conn.execute(_INSERT[table], values)
        return str(values["id"])

    def new_id(self, table: str) -> str:
        """A random UUID that no row of `table` has (looked up by its primary key)."""
        while True:
            candidate = random_uuid(self.ids)
            if self.conn.execute(_ID_TAKEN[table], {"id": candidate}).first() is None:
                return candidate

    # --- projects and cards ---

    def project(self, spec: texts.ProjectSpec, repository_path: str | None, at: datetime) -> str:
        stamp = sqlite_timestamp(at)
        return self.insert(
            "projects",
            name=spec.name,
            description=spec.description,
            repository_url=f"https://git.example.com/acme/{spec.name}.git",
            repository_path=repository_path,
            tech_stack=json.dumps(list(spec.tech_stack)),
            coding_conventions=spec.conventions,
            created_at=stamp,
            updated_at=stamp,
        )

    def set_repository_path(self, project_id: str, path: str) -> None:
        """Point a project without a repository at the demo one made for it."""
        self.conn.execute(
            sa.update(projects)
            .where(projects.c.id == project_id, projects.c.repository_path.is_(None))
            .values(repository_path=path)
        )

    def card(self, **values: Any) -> str:
        self.tally["cards"] += 1
        return self.insert("cards", **values)

    def criteria(self, card_id: str, descriptions: tuple[str, ...], at: datetime) -> None:
        """Unmet criteria; a card's move to completed meets them (see after_move)."""
        for order, description in enumerate(descriptions):
            self.insert(
                "acceptance_criteria",
                card_id=card_id,
                description=description,
                met=0,
                order_index=order,
                created_at=sqlite_timestamp(at),
            )

    def dependency(self, card_id: str, depends_on: str, kind: str, at: datetime) -> None:
        self.insert(
            "card_dependencies",
            card_id=card_id,
            depends_on_card_id=depends_on,
            dependency_type=kind,
            created_at=sqlite_timestamp(at),
        )

    def add_to_card(
        self,
        card_id: str,
        *,
        iterations: int = 0,
        cost_usd: float = 0.0,
        time_ms: int = 0,
        errors: int = 0,
    ) -> int:
        """Add to the card's loop figures (live only: see above); its new loop_iteration."""
        figures = {
            "card": card_id,
            "iterations": iterations,
            "cost": cost_usd,
            "time": time_ms,
            "errors": errors,
        }
        self.conn.execute(_ADD_TO_CARD, figures)
        return int(self.conn.execute(_LOOP_ITERATION, {"card": card_id}).scalar_one())

    def open_pull_request(self, card: CardRef) -> None:
        number = self.rnd.randint(100, 9999)
        self.conn.execute(
            sa.update(cards)
            .where(cards.c.id == card.id, cards.c.pull_request_url.is_(None))
            .values(pull_request_url=pull_request_url(card.spec, number))
        )

    # --- moves ---

    def move(
        self, card_id: str, from_state: str, to_state: str, at: datetime | None = None
    ) -> bool:
        """A live system move (compare-and-set), recorded as the simulator's, at `at`."""
        trigger = lifecycle.system_trigger(from_state, to_state)
        moved = move_card(
            self.conn, card_id, from_state, to_state, trigger, lifecycle.SIMULATOR_ACTOR, at
        )
        self.tally["transitions"] += moved
        return moved

    def past_transition(
        self, card_id: str, from_state: str, to_state: str, at: datetime, person: str
    ) -> None:
        """A move of the demo's history, with its time; a person's if a user trigger."""
        trigger = lifecycle.USER_TRIGGERS.get((from_state, to_state))
        actor = {"by": person, "via": "web"}
        if trigger is None:
            trigger, actor = (
                lifecycle.system_trigger(from_state, to_state),
                lifecycle.ORCHESTRATOR_ACTOR,
            )
        self.insert(
            "state_transitions",
            card_id=card_id,
            from_state=from_state,
            to_state=to_state,
            trigger=trigger,
            metadata=json.dumps(actor, sort_keys=True),
            created_at=sqlite_timestamp(at),
        )

    def after_move(self, card: CardRef, from_state: str, to_state: str, at: datetime) -> int:
        """What a move brings along (errors, deployments, met criteria); errors filed."""
        stamp = sqlite_timestamp(at)
        filed = 0
        category = lifecycle.FAILURE_CATEGORY.get((from_state, to_state))
        if category is not None:
            text = texts.error_text(self.rnd, category, card.spec, texts.module_of(card.title))
            self.error(card.id, None, text, at)
            filed = 1
        if to_state == sm.BUILDING:
            values = lifecycle.new_deployment(self.rnd, card.spec.package, stamp)
            self.insert("deployments", card_id=card.id, **values)
            self.tally["deployments"] += 1
        else:
            self._update_deployment(card.id, from_state, to_state, stamp)
        if to_state == sm.COMPLETED:
            self.conn.execute(
                sa.update(criteria)
                .where(criteria.c.card_id == card.id, criteria.c.met == 0)
                .values(met=1, met_at=stamp)
            )
        return filed

    def _update_deployment(self, card_id: str, from_state: str, to_state: str, at: str) -> None:
        latest = self.conn.execute(
            sa.select(deployments.c.id, deployments.c.replicas_desired)
            .where(deployments.c.card_id == card_id)
            .order_by(deployments.c.created_at.desc(), sa.literal_column("rowid").desc())
            .limit(1)
        ).first()
        if latest is None:
            return
        update = lifecycle.deployment_update(
            self.rnd, from_state, to_state, at, latest.replicas_desired or 1
        )
        if update is not None:
            self.conn.execute(
                sa.update(deployments).where(deployments.c.id == latest.id).values(**update)
            )

    # --- attempts ---

    def start_attempt(
        self, card: CardRef, number: int, agent_type: str, at: datetime, iteration: int
    ) -> str:
        stamp = sqlite_timestamp(at)
        attempt_id = self.insert(
            "attempts",
            card_id=card.id,
            attempt_number=number,
            agent_type=agent_type,
            status="running",
            started_at=stamp,
            output=f"━━ {agent_type} · attempt {number} · {card.title}\n(running)",
        )
        self.tally["attempts_started"] += 1
        self.prompt_metrics(card.id, attempt_id, iteration, at)
        return attempt_id

    def finish_attempt(self, attempt_id: str, work: AgentWork, commit: Commit | None) -> bool:
        """Record a running attempt's end; False if it is no longer running."""
        finished = self.conn.execute(
            sa.update(attempts)
            .where(attempts.c.id == attempt_id, attempts.c.status == "running")
            .values(
                status="failed" if work.failed else "completed",
                completed_at=sqlite_timestamp(work.finished),
                duration_ms=work.duration_ms,
                tokens_used=work.tokens_used,
                cost_usd=work.cost_usd,
                output=work.output(commit),
                error_message=work.error_message,
                commit_sha=None if commit is None else commit.sha,
                diff_stats=None if commit is None else commit.diff_stats(),
            )
        )
        if finished.rowcount != 1:
            return False
        self.tally["attempts_failed" if work.failed else "attempts_completed"] += 1
        return True

    def after_attempt(
        self, card: CardRef, attempt_id: str, work: AgentWork, commit: Commit | None, iteration: int
    ) -> None:
        """A finished attempt's loop checkpoint, and its error or the errors it fixed."""
        paths = texts.files_of(card.spec, texts.module_of(card.title))
        self.insert(
            "loop_snapshots",
            card_id=card.id,
            iteration=iteration,
            state=texts.loop_state(
                self.rnd, iteration=iteration, attempt=work.attempt, failed=work.failed, files=paths
            ),
            checkpoint_commit=None if commit is None else commit.sha,
            created_at=sqlite_timestamp(work.finished),
        )
        if work.error is not None:
            self.error(card.id, attempt_id, work.error, work.finished)
        else:
            self.resolve_errors(card.id, attempt_id, work.finished)

    def prompt_metrics(self, card_id: str, attempt_id: str, iteration: int, at: datetime) -> None:
        """The prompt an attempt starts from, layer by layer; history grows with the loop."""
        tokens = {
            "system": (1_500, 3_000, 0.9),
            "project": (800, 4_000, 0.7),
            "card": (300, 2_000, 0.3),
            "history": (500 * iteration, 500 + 4_000 * iteration, 0.1),
        }
        for layer in texts.PROMPT_LAYERS:
            low, high, hit_rate = tokens[layer]
            cache_hit = self.rnd.random() < hit_rate
            self.insert(
                "prompt_metrics",
                card_id=card_id,
                attempt_id=attempt_id,
                layer_name=layer,
                tokens_added=self.rnd.randint(low, high),
                processing_time_ms=self.rnd.randint(2, 40)
                if cache_hit
                else self.rnd.randint(40, 900),
                content_hash=f"{self.rnd.getrandbits(64):016x}",
                cache_hit=int(cache_hit),
                created_at=sqlite_timestamp(at),
            )

    # --- errors ---

    def error(
        self, card_id: str, attempt_id: str | None, text: texts.ErrorText, at: datetime
    ) -> str:
        self.tally["errors"] += 1
        return self.insert(
            "errors",
            card_id=card_id,
            attempt_id=attempt_id,
            error_type=text.error_type,
            message=text.message,
            stack_trace=text.stack_trace,
            context=json.dumps(text.context),
            category=text.category,
            severity="warning" if text.category == "other" else "error",
            created_at=sqlite_timestamp(at),
        )

    def resolve_errors(self, card_id: str, attempt_id: str, at: datetime) -> None:
        """A successful attempt fixes what was open on its card."""
        resolved = self.conn.execute(
            sa.update(errors)
            .where(errors.c.card_id == card_id, errors.c.resolved == 0)
            .values(resolved=1, resolved_at=sqlite_timestamp(at), resolution_attempt_id=attempt_id)
        )
        self.tally["errors_resolved"] += resolved.rowcount

    # --- decisions and alerts ---

    def decision(
        self,
        card_id: str | None,
        text: texts.DecisionText,
        *,
        timeout_minutes: int | None,
        requested_at: datetime,
        requested_by: str,
        **settled: Any,
    ) -> str:
        """A decision, pending unless `settled` gives its status, choice and who decided."""
        self.tally["decisions"] += 1
        return self.insert(
            "decisions",
            decision_type=text.decision_type,
            summary=text.summary,
            options=json.dumps(list(text.options), ensure_ascii=False),
            default_option=text.default_option,
            context=json.dumps(text.context, ensure_ascii=False),
            timeout_minutes=timeout_minutes,
            requested_at=sqlite_timestamp(requested_at),
            requested_by=requested_by,
            card_id=card_id,
            **{"status": "pending", **settled},
        )

    def auto_resolve_expired(self, now: datetime) -> None:
        """Settle pending decisions whose time ran out with their default, as `auto`."""
        resolved = self.conn.execute(_AUTO_RESOLVE, {"now": sqlite_timestamp(now)})
        self.tally["decisions_auto_resolved"] += resolved.rowcount

    def alert(
        self,
        card_id: str | None,
        severity: str,
        alert_type: str,
        text: texts.AlertText,
        at: datetime,
        **acknowledged: Any,
    ) -> str:
        self.tally["alerts"] += 1
        return self.insert(
            "alerts",
            severity=severity,
            alert_type=alert_type,
            source=text.source,
            message=text.message,
            context=json.dumps(text.context, ensure_ascii=False),
            created_at=sqlite_timestamp(at),
            card_id=card_id,
            **acknowledged,
        )

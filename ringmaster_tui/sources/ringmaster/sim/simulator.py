"""Write to a database as a live orchestrator would, at a given rate, until told to stop.

Each change is one write transaction (Engine.write_with_retry): stopping, Ctrl-C or a
crash leaves either the whole change or none of it. A git commit happens before the
transaction that records it, so no write lock is held while git runs.

The orchestrator never makes a person's move: cards in draft, planning and code_review
wait there for someone to use the dashboard; everything else advances on its own.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from ringmaster_tui.domain.timefmt import parse_timestamp, sqlite_timestamp
from ringmaster_tui.engines import Engine, open_engine
from ringmaster_tui.sources.ringmaster import workflow as sm
from ringmaster_tui.sources.ringmaster.models import TABLES
from ringmaster_tui.sources.ringmaster.sim import lifecycle, texts
from ringmaster_tui.sources.ringmaster.sim.agent import plan_work
from ringmaster_tui.sources.ringmaster.sim.gitrepo import DemoRepo, GitError
from ringmaster_tui.sources.ringmaster.sim.rows import CardRef, Rows

log = logging.getLogger(__name__)

# How often each kind of change happens, relative to the others.
CHANGE_WEIGHTS: dict[str, float] = {
    "start_attempt": 3,
    "finish_attempt": 3,
    "pipeline": 4,
    "new_card": 0.3,
    "decision": 0.15,
    "alert": 0.3,
}
# Short timeouts, so auto-resolution is seen within a demo.
DECISION_TIMEOUT_MINUTES = (1, 2, 3, 5, 10)
ALERT_SEVERITY_WEIGHTS = {"info": 4, "warning": 3, "error": 2, "critical": 1}
# The schema's default for cards.max_retries.
DEFAULT_MAX_RETRIES = 5
# A failed coding attempt sends the card to error_fixing this often; else it loops on.
FIX_AFTER_FAILURE = 0.6

cards = TABLES["cards"]
projects = TABLES["projects"]
attempts = TABLES["attempts"]
dependencies = TABLES["card_dependencies"]


@dataclass(frozen=True)
class SimulationReport:
    """What one run wrote, counted. `log` names each change in order: a seed repeats it."""

    changes: int = 0
    """Changes that wrote something."""
    idle: int = 0
    """Changes that found nothing to do (e.g. no running attempt to finish)."""
    cards: int = 0
    transitions: int = 0
    attempts_started: int = 0
    attempts_completed: int = 0
    attempts_failed: int = 0
    commits: int = 0
    commit_failures: int = 0
    errors: int = 0
    errors_resolved: int = 0
    deployments: int = 0
    decisions: int = 0
    decisions_auto_resolved: int = 0
    alerts: int = 0
    log: tuple[str, ...] = ()

    @classmethod
    def of(cls, tally: Counter[str], log: list[str]) -> SimulationReport:
        counts = {f.name: tally[f.name] for f in fields(cls) if f.name != "log"}
        return cls(**counts, log=tuple(log))

    def __str__(self) -> str:
        counted = [
            f"{getattr(self, f.name)} {f.name.replace('_', ' ')}"
            for f in fields(self)
            if f.name not in ("changes", "idle", "log") and getattr(self, f.name)
        ]
        return f"{self.changes} changes: " + (", ".join(counted) or "nothing written")


def utc_now() -> datetime:
    return datetime.now(UTC)


def run_simulation(
    db_path: Path,
    *,
    rate: float = 5.0,
    duration: float | None = None,
    seed: int | None = None,
    stop: threading.Event | None = None,
    repo_root: Path | None = None,
    steps: int | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> SimulationReport:
    """Make about `rate` changes a second until `duration` seconds pass, `steps` changes
    (idle ones included) are made, or `stop` is set.

    Attempts commit to demo repositories: a project's own when it is one, else a new
    one under `repo_root` (none without it). With a `seed`, the same kinds of change
    happen in the same order, and copies of one database get the same rows; run again
    on the database it wrote to, it writes rows with new ids (see database_mark).
    Timestamps and commit dates come from `clock`, read once or twice a change: the
    real clock unless a test injects its own, so nothing it checks depends on speed.
    """
    if rate <= 0:
        raise ValueError("rate must be a positive number of changes per second")
    rnd = random.Random(seed)
    stop = stop or threading.Event()
    database = open_engine(db_path)
    kinds, weights = list(CHANGE_WEIGHTS), list(CHANGE_WEIGHTS.values())
    tally: Counter[str] = Counter()
    made: list[str] = []
    interval = 1.0 / rate
    started = time.monotonic()
    deadline = None if duration is None else started + duration
    next_at = started
    try:
        simulator = _Simulator(database, repo_root, clock)
        while (
            not stop.is_set()
            and (steps is None or len(made) < steps)
            and (deadline is None or time.monotonic() < deadline)
        ):
            kind = rnd.choices(kinds, weights)[0]
            # Each change draws from its own source, so what one change finds in the
            # database does not shift the random numbers of the next.
            effect, counts = CHANGES[kind](simulator, random.Random(rnd.getrandbits(64)))
            tally.update(counts)
            tally["changes" if effect else "idle"] += 1
            made.append(effect or f"{kind}: idle")
            if steps is not None and len(made) >= steps:
                break
            # Keep the average rate, without a burst to catch up after a slow change.
            next_at = max(next_at + interval, time.monotonic() - interval)
            wait = next_at - time.monotonic()
            if deadline is not None:
                wait = min(wait, deadline - time.monotonic())
            stop.wait(max(0.0, wait))
    finally:
        database.dispose()
    return SimulationReport.of(tally, made)


def database_mark(database: Engine) -> str:
    """What the database holds, told cheaply: the last rowid of each table with ids.

    Equal for copies of one database; different once a run has added rows to it.
    """
    present = database.table_names()
    with database.read() as conn:
        last = {
            name: conn.execute(
                sa.select(sa.func.max(sa.literal_column("rowid"))).select_from(table)
            ).scalar()
            for name, table in sorted(TABLES.items())
            if name in present and "id" in table.c
        }
    return ",".join(f"{name}:{rowid or 0}" for name, rowid in last.items())


Result = tuple[str | None, Counter[str]]
Work = Callable[[Rows, datetime], str | None]


@dataclass(frozen=True)
class _Card:
    ref: CardRef
    state: str
    previous_state: str | None
    loop_iteration: int
    error_count: int
    max_retries: int
    total_cost_usd: float


class _Simulator:
    def __init__(
        self, database: Engine, repo_root: Path | None, clock: Callable[[], datetime]
    ) -> None:
        self.database = database
        self.repo_root = repo_root
        self.clock = clock
        self.mark = database_mark(database)

    def write(self, rnd: random.Random, work: Work) -> Result:
        """Run `work` in one write transaction, after settling expired decisions."""
        seed = rnd.getrandbits(64)

        def transaction(conn: Connection) -> Result:
            # A retried transaction starts its random sources over: same rows again. Ids
            # come from the seed and the database's mark, so a seed run again on the
            # database it wrote to draws new ones (Rows still checks each one).
            ids = random.Random(f"{self.mark}/{seed}")
            rows = Rows(conn, random.Random(seed), ids)
            now = self.clock()
            rows.auto_resolve_expired(now)
            return work(rows, now), rows.tally

        return self.database.write_with_retry(transaction)

    def repository(
        self, project_id: str, name: str, repository_path: str | None, now: datetime
    ) -> tuple[DemoRepo | None, str | None]:
        """The demo repository to commit to, and its path when the project lacks one."""
        if repository_path:
            return DemoRepo.existing(repository_path), None
        if self.repo_root is None:
            return None, None
        digest = hashlib.sha256(project_id.encode()).hexdigest()[:8]
        path = self.repo_root / f"{texts.identifier(name, 'project')}-{digest}"
        repo = DemoRepo.existing(path)
        if repo is None:
            try:
                repo = DemoRepo.create(path, now)
            except GitError as exc:
                log.warning("cannot create a demo repository at %s: %s", path, exc)
                return None, None
        return repo, str(repo.path)


_CARD_COLUMNS = (
    cards.c.id,
    cards.c.title,
    cards.c.state,
    cards.c.previous_state,
    cards.c.loop_iteration,
    cards.c.error_count,
    cards.c.max_retries,
    cards.c.total_cost_usd,
    projects.c.name,
    projects.c.tech_stack,
)


def _card_of(row: Row[*tuple[Any, ...]]) -> _Card:
    return _Card(
        CardRef(row.id, row.title, texts.spec_for(row.name, row.tech_stack)),
        row.state,
        row.previous_state,
        row.loop_iteration or 0,
        row.error_count or 0,
        DEFAULT_MAX_RETRIES if row.max_retries is None else row.max_retries,
        row.total_cost_usd or 0.0,
    )


def _pick_card(rows: Rows, states: tuple[str, ...], *, idle: bool = False) -> _Card | None:
    """A random card in one of `states`; `idle`: with no running attempt, not blocked."""
    query = (
        sa.select(*_CARD_COLUMNS)
        .select_from(cards.join(projects, projects.c.id == cards.c.project_id))
        .where(cards.c.state.in_(states))
        # In id order: the same database gives a seed the same choice.
        .order_by(cards.c.id)
    )
    if idle:
        blocker = cards.alias("blocker")
        running = sa.exists().where(
            attempts.c.card_id == cards.c.id, attempts.c.status == "running"
        )
        blocked = sa.exists().where(
            dependencies.c.card_id == cards.c.id,
            dependencies.c.dependency_type == "blocks",
            blocker.c.id == dependencies.c.depends_on_card_id,
            blocker.c.state.not_in(sm.FINISHED_STATES),
        )
        query = query.where(~running, ~blocked)
    found = rows.conn.execute(query).all()
    return _card_of(rows.rnd.choice(found)) if found else None


def _start_attempt(simulator: _Simulator, rnd: random.Random) -> Result:
    def work(rows: Rows, now: datetime) -> str | None:
        card = _pick_card(rows, sm.ACTIVE_LOOP_STATES, idle=True)
        if card is None:
            return None
        last = rows.conn.execute(
            sa.select(sa.func.max(attempts.c.attempt_number)).where(
                attempts.c.card_id == card.ref.id
            )
        ).scalar()
        agent = rows.rnd.choice(texts.AGENTS)
        rows.start_attempt(card.ref, (last or 0) + 1, agent, now, card.loop_iteration)
        return f"start_attempt {card.state}"

    return simulator.write(rnd, work)


def _finish_attempt(simulator: _Simulator, rnd: random.Random) -> Result:
    with simulator.database.read() as conn:
        running = conn.execute(
            sa.select(
                attempts.c.id,
                attempts.c.attempt_number,
                attempts.c.agent_type,
                attempts.c.started_at,
                cards.c.title,
                cards.c.state,
                projects.c.id.label("project_id"),
                projects.c.name,
                projects.c.tech_stack,
                projects.c.repository_path,
            )
            .select_from(
                attempts.join(cards, cards.c.id == attempts.c.card_id).join(
                    projects, projects.c.id == cards.c.project_id
                )
            )
            .where(attempts.c.status == "running")
            .order_by(attempts.c.id)
        ).all()
    if not running:
        return None, Counter()
    target = rnd.choice(running)
    now = simulator.clock()
    started = parse_timestamp(target.started_at) or now
    failed = rnd.random() < (0.35 if target.state == sm.ERROR_FIXING else 0.25)
    work = plan_work(
        rnd,
        spec=texts.spec_for(target.name, target.tech_stack),
        title=target.title,
        attempt=target.attempt_number,
        agent_type=target.agent_type,
        failed=failed,
        started=started,
        duration_ms=max(0, int((now - started).total_seconds() * 1000)),
    )
    counts: Counter[str] = Counter()
    repo, new_repo_path = simulator.repository(
        target.project_id, target.name, target.repository_path, now
    )
    commit = None
    if repo is not None:
        try:
            commit = repo.commit(work.files, work.message, work.finished, work.agent_type)
        except GitError as exc:
            # Someone may be using the demo repository; the attempt goes unrecorded in git.
            log.warning("no commit for attempt %s: %s", target.id, exc)
            counts["commit_failures"] += 1

    def record(rows: Rows, now: datetime) -> str | None:
        if not rows.finish_attempt(target.id, work, commit):
            return None
        if commit is not None:
            rows.tally["commits"] += 1
        if new_repo_path is not None:
            rows.set_repository_path(target.project_id, new_repo_path)
        card = _card(rows, target.id)
        iteration = rows.add_to_card(
            card.ref.id,
            iterations=1,
            cost_usd=work.cost_usd,
            time_ms=work.duration_ms,
            errors=int(failed),
        )
        rows.after_attempt(card.ref, target.id, work, commit, iteration)
        to_state = _after_attempt(rows.rnd, card, failed)
        if to_state is None or not rows.move(card.ref.id, card.state, to_state):
            return f"finish_attempt {'failed' if failed else 'completed'} {card.state}"
        if to_state == sm.CODE_REVIEW and rows.rnd.random() < lifecycle.OPENS_PULL_REQUEST:
            rows.open_pull_request(card.ref)
        return f"finish_attempt {'failed' if failed else 'completed'} {card.state}->{to_state}"

    effect, written = simulator.write(rnd, record)
    return effect, counts + written


def _card(rows: Rows, attempt_id: str) -> _Card:
    """The card of an attempt as it is now, inside this transaction."""
    row = rows.conn.execute(
        sa.select(*_CARD_COLUMNS)
        .select_from(
            attempts.join(cards, cards.c.id == attempts.c.card_id).join(
                projects, projects.c.id == cards.c.project_id
            )
        )
        .where(attempts.c.id == attempt_id)
    ).one()
    return _card_of(row)


def _after_attempt(rnd: random.Random, card: _Card, failed: bool) -> str | None:
    """Where a finished attempt sends its card (figures as updated by the attempt)."""
    if card.state == sm.CODING:
        if failed:
            return sm.ERROR_FIXING if rnd.random() < FIX_AFTER_FAILURE else None
        return sm.CODE_REVIEW if rnd.random() < lifecycle.REVIEW_AFTER_SUCCESS else None
    if card.state == sm.ERROR_FIXING:
        if failed:
            return sm.FAILED if card.error_count >= card.max_retries else None
        return lifecycle.fix_target(card.previous_state)
    # Moved by a person while its agent ran: the attempt ends, the card stays.
    return None


def _pipeline(simulator: _Simulator, rnd: random.Random) -> Result:
    def work(rows: Rows, now: datetime) -> str | None:
        card = _pick_card(rows, lifecycle.PIPELINE_STATES)
        if card is None:
            return None
        to_state = lifecycle.pipeline_step(rows.rnd, card.state, card.error_count, card.max_retries)
        if not rows.move(card.ref.id, card.state, to_state):
            return None
        if rows.after_move(card.ref, card.state, to_state, now):
            rows.add_to_card(card.ref.id, errors=1)
        return f"pipeline {card.state}->{to_state}"

    return simulator.write(rnd, work)


def _new_card(simulator: _Simulator, rnd: random.Random) -> Result:
    def work(rows: Rows, now: datetime) -> str | None:
        known = rows.conn.execute(
            sa.select(projects.c.id, projects.c.name, projects.c.tech_stack).order_by(projects.c.id)
        ).all()
        if known:
            project = rows.rnd.choice(known)
            project_id, spec = project.id, texts.spec_for(project.name, project.tech_stack)
        else:
            spec = rows.rnd.choice(texts.PROJECTS)
            project_id = rows.project(spec, None, now)
        text = texts.card_text(rows.rnd, spec)
        stamp = sqlite_timestamp(now)
        card_id = rows.card(
            project_id=project_id,
            title=text.title,
            description=text.description,
            task_prompt=text.task_prompt,
            state=sm.DRAFT,
            labels=json.dumps(list(text.labels)),
            priority=rows.rnd.choices((0, 1, 2, 3), weights=(3, 4, 2, 1))[0],
            created_at=stamp,
            updated_at=stamp,
        )
        # Some arrive without acceptance criteria: a person must add them to plan.
        if rows.rnd.random() < 0.7:
            rows.criteria(card_id, text.criteria, now)
        if rows.rnd.random() < 0.3:
            blocker = _pick_card(rows, tuple(s for s in sm.STATES if s not in sm.FINISHED_STATES))
            if blocker is not None and blocker.ref.id != card_id:
                rows.dependency(card_id, blocker.ref.id, "blocks", now)
        return "new_card"

    return simulator.write(rnd, work)


def _decision(simulator: _Simulator, rnd: random.Random) -> Result:
    def work(rows: Rows, now: datetime) -> str | None:
        card = _pick_card(rows, (sm.CODING, sm.ERROR_FIXING, sm.BUILD_FAILED))
        text = texts.decision_text(
            rows.rnd,
            title=None if card is None else card.ref.title,
            attempts=0 if card is None else card.loop_iteration,
            cost_usd=0.0 if card is None else card.total_cost_usd,
        )
        rows.decision(
            None if card is None else card.ref.id,
            text,
            timeout_minutes=rows.rnd.choice(DECISION_TIMEOUT_MINUTES),
            requested_at=now,
            requested_by=f"loop-{rows.rnd.randint(1, 4)}",
        )
        return f"decision {text.decision_type}"

    return simulator.write(rnd, work)


def _alert(simulator: _Simulator, rnd: random.Random) -> Result:
    def work(rows: Rows, now: datetime) -> str | None:
        card = _pick_card(rows, sm.ACTIVE_LOOP_STATES + lifecycle.PIPELINE_STATES)
        severities = list(ALERT_SEVERITY_WEIGHTS)
        severity = rows.rnd.choices(severities, list(ALERT_SEVERITY_WEIGHTS.values()))[0]
        alert_type = rows.rnd.choice(texts.ALERT_TYPES)
        title = None if card is None else card.ref.title
        rows.alert(
            None if card is None else card.ref.id,
            severity,
            alert_type,
            texts.alert_text(rows.rnd, alert_type, title),
            now,
        )
        return f"alert {severity} {alert_type}"

    return simulator.write(rnd, work)


CHANGES: dict[str, Callable[[_Simulator, random.Random], Result]] = {
    "start_attempt": _start_attempt,
    "finish_attempt": _finish_attempt,
    "pipeline": _pipeline,
    "new_card": _new_card,
    "decision": _decision,
    "alert": _alert,
}

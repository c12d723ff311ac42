"""Write to a database as a live orchestrator would, at a given rate, until told to stop.

Each step is one change, made in one write transaction (Engine.write_with_retry):
stopping, Ctrl-C or a crash leaves either the whole change or none of it. A git commit
happens before the transaction that records it, so no write lock is held while git runs.

What changes on a step follows what the board holds (census.py, policy.py): agents start
and finish on loop cards, tests, builds and deploys move on, new cards arrive, decisions
are asked for and run out. Where a person would act, the simulator stands in for one
for the cards that waited long enough (standin.py), leaving the newest for the user.
The clock is injectable (clock.py): on a simulated one, an hour runs in seconds.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
import random
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from ringmaster_tui.domain.timefmt import parse_timestamp, sqlite_timestamp
from ringmaster_tui.engines import Engine, open_engine
from ringmaster_tui.sources.ringmaster import workflow as sm
from ringmaster_tui.sources.ringmaster.models import TABLES
from ringmaster_tui.sources.ringmaster.sim import lifecycle, policy, standin, texts
from ringmaster_tui.sources.ringmaster.sim.agent import AgentWork, plan_work
from ringmaster_tui.sources.ringmaster.sim.census import (
    Census,
    has_running_attempt,
    is_blocked,
    read_census,
)
from ringmaster_tui.sources.ringmaster.sim.clock import Clock, as_clock
from ringmaster_tui.sources.ringmaster.sim.gitrepo import Commit, DemoRepo, GitError
from ringmaster_tui.sources.ringmaster.sim.rows import CardRef, Rows

log = logging.getLogger(__name__)

ALERT_SEVERITY_WEIGHTS = {"info": 4, "warning": 3, "error": 2, "critical": 1}
# The schema's default for cards.max_retries.
DEFAULT_MAX_RETRIES = 5
# A failed coding attempt sends the card to error_fixing this often; else it loops on.
FIX_AFTER_FAILURE = 0.6
# New cards come without acceptance criteria this often: a person (or the stand-in)
# must add them before the plan can be approved.
WITHOUT_CRITERIA = 0.3
# New cards wait for a card already in flight this often.
BLOCKED_ON_ARRIVAL = 0.25
IN_FLIGHT_STATES = (*sm.ACTIVE_LOOP_STATES, sm.CODE_REVIEW, *lifecycle.PIPELINE_STATES)

cards = TABLES["cards"]
projects = TABLES["projects"]
attempts = TABLES["attempts"]


@dataclass(frozen=True)
class SimulationReport:
    """What one run wrote, counted. `log` names each change in order: a seed repeats it."""

    changes: int = 0
    """Changes that wrote something."""
    idle: int = 0
    """Changes that found nothing to do (e.g. the running attempt they picked ended)."""
    cards: int = 0
    transitions: int = 0
    stand_in_moves: int = 0
    """Transitions a person would have made, made by the simulator standing in."""
    attempts_started: int = 0
    attempts_completed: int = 0
    attempts_failed: int = 0
    commits: int = 0
    commit_failures: int = 0
    errors: int = 0
    errors_resolved: int = 0
    deployments: int = 0
    decisions: int = 0
    decisions_decided: int = 0
    decisions_auto_resolved: int = 0
    alerts: int = 0
    alerts_acknowledged: int = 0
    output_lines: int = 0
    """Lines streamed to running agents' output, on steps where nothing else was due."""
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


# What is left of a run's duration when its steps' intervals, added up in floating
# point, fall short of it by a rounding error.
_NO_TIME_LEFT = 1e-6


def run_simulation(
    db_path: Path,
    *,
    rate: float = 5.0,
    duration: float | None = None,
    seed: int | None = None,
    stop: threading.Event | None = None,
    repo_root: Path | None = None,
    steps: int | None = None,
    clock: Clock | Callable[[], datetime] | None = None,
) -> SimulationReport:
    """Make about `rate` changes a second until `duration` seconds pass, `steps` changes
    (idle ones included) are made, or `stop` is set.

    Attempts commit to demo repositories: a project's own when it is one, else a new
    one under `repo_root` (none without it). With a `seed`, the same kinds of change
    happen in the same order, and copies of one database get the same rows; run again
    on the database it wrote to, it writes rows with new ids (see database_mark).
    `clock` stamps the rows and paces the run: the real one by default; a function
    telling the time stamps rows with it, paced by the machine; a SimulatedClock runs
    `duration` seconds of simulated time as fast as the machine goes.
    """
    if rate <= 0:
        raise ValueError("rate must be a positive number of changes per second")
    stop = stop or threading.Event()
    pace = as_clock(clock)
    interval = 1.0 / rate
    started = pace.elapsed()
    deadline = None if duration is None else started + duration
    next_at = started
    with Simulation(db_path, seed=seed, repo_root=repo_root, clock=pace) as simulation:
        while (
            not stop.is_set()
            and (steps is None or simulation.steps < steps)
            and (deadline is None or deadline - pace.elapsed() > _NO_TIME_LEFT)
        ):
            simulation.step()
            if steps is not None and simulation.steps >= steps:
                break
            # Keep the average rate, without a burst to catch up after a slow change.
            next_at = max(next_at + interval, pace.elapsed() - interval)
            wait = next_at - pace.elapsed()
            if deadline is not None:
                wait = min(wait, deadline - pace.elapsed())
            pace.wait(max(0.0, wait), stop)
        return simulation.report()


Change = Callable[[Rows, Census, datetime], str | None]


@dataclass(frozen=True)
class _Card:
    ref: CardRef
    state: str
    previous_state: str | None
    loop_iteration: int
    error_count: int
    max_retries: int
    total_cost_usd: float


@dataclass(frozen=True)
class _Finishing:
    """An agent about to finish: what it did, drawn before anything is written."""

    attempt_id: str
    project_id: str
    project: str
    repository_path: str | None
    work: AgentWork


@dataclass(frozen=True)
class _Outcome:
    effect: str
    tally: Counter[str]
    finishing: _Finishing | None = None
    """Set when the agent's commit must happen before its finish is recorded."""


class Simulation:
    """The simulated orchestrator, one step (one change) at a time, on `clock`'s time."""

    def __init__(
        self,
        db_path: Path,
        *,
        seed: int | None = None,
        repo_root: Path | None = None,
        clock: Clock | Callable[[], datetime] | None = None,
    ) -> None:
        self.rnd = random.Random(seed)
        self.clock = as_clock(clock)
        self.repo_root = repo_root
        self.database = open_engine(db_path)
        self.mark = database_mark(self.database)
        self.tally: Counter[str] = Counter()
        self.made: list[str] = []
        self.last_step: datetime | None = None

    def __enter__(self) -> Simulation:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self.database.dispose()

    @property
    def steps(self) -> int:
        return len(self.made)

    def report(self) -> SimulationReport:
        return SimulationReport.of(self.tally, self.made)

    def step(self) -> str:
        """Make one change (or find nothing to do); what it was, as the report's log says."""
        # Each step draws from its own source, so what one step finds in the database
        # does not shift the random numbers of the next; a retried transaction starts
        # its source over and writes the same rows again.
        seed = self.rnd.getrandbits(64)
        now = self.clock.now()
        if self.last_step is None:
            seconds = policy.FIRST_STEP_SECONDS
        else:
            seconds = (now - self.last_step).total_seconds()
            seconds = min(max(0.0, seconds), policy.LONGEST_STEP_SECONDS)
        self.last_step = now
        outcome = self.database.write_with_retry(
            lambda conn: self._change(conn, seed, now, seconds)
        )
        tally = outcome.tally
        effect: str | None = outcome.effect
        if outcome.finishing is not None:
            effect, written = self._commit_and_finish(outcome.finishing, seed, now)
            tally = tally + written
        self.tally.update(tally)
        self.tally["changes" if effect and not effect.endswith(": idle") else "idle"] += 1
        self.made.append(effect or "finish_attempt: idle")
        return self.made[-1]

    def _rows(self, conn: Connection, seed: int) -> Rows:
        # Ids come from the seed and the database's mark, so a seed run again on the
        # database it wrote to draws new ones (Rows still checks each one).
        return Rows(conn, random.Random(seed), random.Random(f"{self.mark}/{seed}"))

    def _change(self, conn: Connection, seed: int, now: datetime, seconds: float) -> _Outcome:
        """The change of a step that counts `seconds` of the clock's time."""
        rows = self._rows(conn, seed)
        rows.auto_resolve_expired(now)
        census = read_census(conn, now)
        chances = {kind: chance for kind, chance in census.chances().items() if chance > 0}
        # Something happens in `seconds` as in a Poisson process of the chances' sum.
        if rows.rnd.random() >= 1.0 - math.exp(-sum(chances.values()) * seconds):
            return _Outcome(_stream_output(rows, now) or "nothing: idle", rows.tally)
        kind = rows.rnd.choices(list(chances), list(chances.values()))[0]
        if kind == "finish_attempt":
            finishing = _finishing(rows, now)
            if finishing is None:
                return _Outcome(f"{kind}: idle", rows.tally)
            if self._repository_of(finishing) is not None:
                return _Outcome(kind, rows.tally, finishing)
            effect = _record_finish(rows, finishing, None, None, now)
        else:
            effect = CHANGES[kind](rows, census, now)
        return _Outcome(effect or f"{kind}: idle", rows.tally)

    def _repository_of(self, finishing: _Finishing) -> Path | None:
        if finishing.repository_path:
            return Path(finishing.repository_path)
        if self.repo_root is None:
            return None
        digest = hashlib.sha256(finishing.project_id.encode()).hexdigest()[:8]
        return self.repo_root / f"{texts.identifier(finishing.project, 'project')}-{digest}"

    def _commit_and_finish(
        self, finishing: _Finishing, seed: int, now: datetime
    ) -> tuple[str | None, Counter[str]]:
        """Commit the agent's work to its demo repository, then record its finish."""
        counts: Counter[str] = Counter()
        path = self._repository_of(finishing)
        repo = None if path is None else DemoRepo.existing(path)
        new_path = None
        if repo is None and path is not None and not finishing.repository_path:
            try:
                repo = DemoRepo.create(path, now)
                new_path = str(repo.path)
            except GitError as exc:
                log.warning("cannot create a demo repository at %s: %s", path, exc)
        commit = None
        if repo is not None:
            work = finishing.work
            try:
                commit = repo.commit(work.files, work.message, work.finished, work.agent_type)
            except GitError as exc:
                # Someone may be using the demo repository; the attempt goes unrecorded in git.
                log.warning("no commit for attempt %s: %s", finishing.attempt_id, exc)
                counts["commit_failures"] += 1

        def record(conn: Connection) -> tuple[str | None, Counter[str]]:
            rows = self._rows(conn, seed ^ 1)
            return _record_finish(rows, finishing, commit, new_path, now), rows.tally

        effect, written = self.database.write_with_retry(record)
        return effect, counts + written


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
    found = rows.conn.execute(_cards_in(states, idle)).all()
    return _card_of(rows.rnd.choice(found)) if found else None


@functools.cache
def _cards_in(states: tuple[str, ...], idle: bool) -> sa.Select[Any]:
    # Built once per kind of pick: building a statement costs more than running it.
    query = (
        sa.select(*_CARD_COLUMNS)
        .select_from(cards.join(projects, projects.c.id == cards.c.project_id))
        .where(cards.c.state.in_(states))
        # In id order: the same database gives a seed the same choice.
        .order_by(cards.c.id)
    )
    if idle:
        query = query.where(~has_running_attempt(), ~is_blocked())
    return query


_LOOPS = sa.select(sa.func.count()).where(cards.c.state.in_(sm.ACTIVE_LOOP_STATES))
_LAST_ATTEMPT = sa.select(sa.func.max(attempts.c.attempt_number)).where(
    attempts.c.card_id == sa.bindparam("card")
)
_RUNNING = (
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
)
_CARD_OF_ATTEMPT = (
    sa.select(*_CARD_COLUMNS)
    .select_from(
        attempts.join(cards, cards.c.id == attempts.c.card_id).join(
            projects, projects.c.id == cards.c.project_id
        )
    )
    .where(attempts.c.id == sa.bindparam("attempt"))
)


def _loops(rows: Rows) -> int:
    return int(rows.conn.execute(_LOOPS).scalar_one())


def _start_attempt(rows: Rows, census: Census, now: datetime) -> str | None:
    card = _pick_card(rows, sm.ACTIVE_LOOP_STATES, idle=True)
    if card is None:
        return None
    last = rows.conn.execute(_LAST_ATTEMPT, {"card": card.ref.id}).scalar()
    agent = rows.rnd.choice(texts.AGENTS)
    rows.start_attempt(card.ref, (last or 0) + 1, agent, now, card.loop_iteration)
    return f"start_attempt {card.state}"


def _finishing(rows: Rows, now: datetime) -> _Finishing | None:
    """A running attempt picked to finish, with the work it did."""
    running = rows.conn.execute(_RUNNING).all()
    if not running:
        return None
    target = rows.rnd.choice(running)
    started = parse_timestamp(target.started_at) or now
    failed = rows.rnd.random() < (0.35 if target.state == sm.ERROR_FIXING else 0.25)
    work = plan_work(
        rows.rnd,
        spec=texts.spec_for(target.name, target.tech_stack),
        title=target.title,
        attempt=target.attempt_number,
        agent_type=target.agent_type,
        failed=failed,
        started=started,
        duration_ms=max(0, int((now - started).total_seconds() * 1000)),
    )
    return _Finishing(target.id, target.project_id, target.name, target.repository_path, work)


def _record_finish(
    rows: Rows,
    finishing: _Finishing,
    commit: Commit | None,
    new_repo_path: str | None,
    now: datetime,
) -> str | None:
    work = finishing.work
    if not rows.finish_attempt(finishing.attempt_id, work, commit):
        return None
    if commit is not None:
        rows.tally["commits"] += 1
    if new_repo_path is not None:
        rows.set_repository_path(finishing.project_id, new_repo_path)
    card = _card(rows, finishing.attempt_id)
    iteration = rows.add_to_card(
        card.ref.id,
        iterations=1,
        cost_usd=work.cost_usd,
        time_ms=work.duration_ms,
        errors=int(work.failed),
    )
    rows.after_attempt(card.ref, finishing.attempt_id, work, commit, iteration)
    verdict = "failed" if work.failed else "completed"
    to_state = _after_attempt(rows.rnd, card, work.failed)
    leaves_the_loops = to_state not in (None, *sm.ACTIVE_LOOP_STATES)
    if leaves_the_loops and _loops(rows) <= policy.MIN_LOOPS:
        # Too few loops would be left: this one goes round once more.
        to_state = None
    if to_state is None or not rows.move(card.ref.id, card.state, to_state, now):
        return f"finish_attempt {verdict} {card.state}"
    if to_state == sm.CODE_REVIEW and rows.rnd.random() < lifecycle.OPENS_PULL_REQUEST:
        rows.open_pull_request(card.ref)
    return f"finish_attempt {verdict} {card.state}->{to_state}"


def _card(rows: Rows, attempt_id: str) -> _Card:
    """The card of an attempt as it is now, inside this transaction."""
    row = rows.conn.execute(_CARD_OF_ATTEMPT, {"attempt": attempt_id}).one()
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


_STREAMING = sa.select(attempts.c.id, attempts.c.output).where(attempts.c.status == "running")
_STREAM = (
    sa.update(attempts)
    .where(attempts.c.id == sa.bindparam("attempt"), attempts.c.status == "running")
    .values(output=sa.bindparam("streamed"))
)


def _stream_output(rows: Rows, now: datetime) -> str | None:
    """A line of a running agent's output, as it prints it (the last lines kept)."""
    running = rows.conn.execute(_STREAMING.order_by(attempts.c.id)).all()
    if not running:
        return None
    attempt = rows.rnd.choice(running)
    lines = (attempt.output or "").split("\n")
    header, printed = lines[:1], [line for line in lines[1:] if line != "(running)"]
    printed = [*printed, texts.progress_line(rows.rnd, now)][-policy.STREAMED_LINES :]
    rows.conn.execute(_STREAM, {"attempt": attempt.id, "streamed": "\n".join(header + printed)})
    rows.tally["output_lines"] += 1
    return "output"


def _pipeline(rows: Rows, census: Census, now: datetime) -> str | None:
    card = _pick_card(rows, lifecycle.PIPELINE_STATES)
    if card is None:
        return None
    to_state = lifecycle.pipeline_step(rows.rnd, card.state, card.error_count, card.max_retries)
    if not rows.move(card.ref.id, card.state, to_state, now):
        return None
    if rows.after_move(card.ref, card.state, to_state, now):
        rows.add_to_card(card.ref.id, errors=1)
    return f"pipeline {card.state}->{to_state}"


def _new_card(rows: Rows, census: Census, now: datetime) -> str | None:
    known = rows.conn.execute(
        sa.select(projects.c.id, projects.c.name, projects.c.tech_stack).order_by(projects.c.id)
    ).all()
    if len(known) >= len(texts.PROJECTS) or (known and rows.rnd.random() < 0.8):
        project = rows.rnd.choice(known)
        project_id, spec = project.id, texts.spec_for(project.name, project.tech_stack)
    else:
        # An empty database gets the demo's projects, one new card at a time.
        names = {p.name for p in known}
        spec = next(p for p in texts.PROJECTS if p.name not in names)
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
    if rows.rnd.random() >= WITHOUT_CRITERIA:
        rows.criteria(card_id, text.criteria, now)
    if rows.rnd.random() < BLOCKED_ON_ARRIVAL:
        # Only on a card in flight, which finishes (or fails and is archived) in time.
        blocker = _pick_card(rows, IN_FLIGHT_STATES)
        if blocker is not None:
            rows.dependency(card_id, blocker.ref.id, "blocks", now)
    return "new_card"


def _decision(rows: Rows, census: Census, now: datetime) -> str | None:
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
        timeout_minutes=rows.rnd.choice(policy.DECISION_TIMEOUT_MINUTES),
        requested_at=now,
        requested_by=f"loop-{rows.rnd.randint(1, 4)}",
    )
    return f"decision {text.decision_type}"


def _alert(rows: Rows, census: Census, now: datetime) -> str | None:
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


CHANGES: dict[str, Change] = {
    "start_attempt": _start_attempt,
    "pipeline": _pipeline,
    "stand_in": lambda rows, census, now: standin.take_a_card(rows, census, now),
    "new_card": _new_card,
    "decision": _decision,
    "decide": lambda rows, census, now: standin.decide(rows, now),
    "alert": _alert,
    "acknowledge": lambda rows, census, now: standin.acknowledge(rows, now),
}
"""Every kind of change but finish_attempt, which may commit to git first."""

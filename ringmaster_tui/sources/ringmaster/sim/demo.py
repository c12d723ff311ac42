"""A demo database with realistic contents, as an orchestrator would have left it.

Every state has cards, each with the history that brought it there (people's moves and
the orchestrator's), the attempts of its loops (with real commits when a repository
root is given), the errors they hit and fixed, checkpoints, deployments and prompt
metrics over the last ten days; plus decisions waiting with different times left,
alerts of every severity, and cards whose text is hostile to terminals.

The card histories are planned first, then played out through the same row writers
as the simulator uses, so both follow one set of rules (lifecycle.py).
"""

from __future__ import annotations

import itertools
import json
import logging
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ringmaster_tui.domain.timefmt import sqlite_timestamp
from ringmaster_tui.sources.ringmaster import workflow as sm
from ringmaster_tui.sources.ringmaster.schema import create_ringmaster_database
from ringmaster_tui.sources.ringmaster.sim import lifecycle, texts
from ringmaster_tui.sources.ringmaster.sim.agent import AgentWork, plan_work
from ringmaster_tui.sources.ringmaster.sim.gitrepo import Commit, DemoRepo, GitError
from ringmaster_tui.sources.ringmaster.sim.rows import CardRef, Rows, pull_request_url, random_uuid

log = logging.getLogger(__name__)

# How many demo cards start in each state (the two hostile cards come on top).
CARDS_PER_STATE: dict[str, int] = {
    sm.DRAFT: 5,
    sm.PLANNING: 5,
    sm.CODING: 6,
    sm.ERROR_FIXING: 3,
    sm.CODE_REVIEW: 5,
    sm.TESTING: 4,
    sm.BUILD_QUEUE: 2,
    sm.BUILDING: 2,
    sm.BUILD_SUCCESS: 2,
    sm.BUILD_FAILED: 2,
    sm.DEPLOY_QUEUE: 2,
    sm.DEPLOYING: 2,
    sm.VERIFYING: 2,
    sm.COMPLETED: 8,
    sm.FAILED: 3,
    sm.ARCHIVED: 4,
}
PLANNING_WITHOUT_CRITERIA = 2
# The first coding card's agent has been running far longer than its siblings did.
STALLED = (sm.CODING, 0)
REVIEWS_WITH_PULL_REQUEST = 3
# Minutes a card typically stays in a state before it moves on.
DWELL_MINUTES: dict[str, tuple[float, float]] = {
    sm.DRAFT: (60, 2_880),
    sm.PLANNING: (30, 1_440),
    sm.CODING: (20, 240),
    sm.ERROR_FIXING: (10, 120),
    sm.CODE_REVIEW: (30, 1_200),
    sm.TESTING: (5, 40),
    sm.BUILD_QUEUE: (1, 15),
    sm.BUILDING: (3, 15),
    sm.BUILD_SUCCESS: (1, 10),
    sm.BUILD_FAILED: (5, 60),
    sm.DEPLOY_QUEUE: (1, 20),
    sm.DEPLOYING: (3, 15),
    sm.VERIFYING: (5, 30),
}
# How long ago finished cards finished, in minutes: within the demo's ten days.
FINISHED_AGO_MINUTES = (60.0, 8.5 * 1_440.0)
HAPPY_PATH: tuple[str, ...] = (
    sm.DRAFT,
    sm.PLANNING,
    sm.CODING,
    sm.CODE_REVIEW,
    sm.TESTING,
    sm.BUILD_QUEUE,
    sm.BUILDING,
    sm.BUILD_SUCCESS,
    sm.DEPLOY_QUEUE,
    sm.DEPLOYING,
    sm.VERIFYING,
    sm.COMPLETED,
)
# (time left as time since asked, timeout in minutes): one nearly expired, one roomy.
PENDING_DECISIONS: tuple[tuple[timedelta, int], ...] = (
    (timedelta(minutes=29, seconds=15), 30),
    (timedelta(minutes=11), 15),
    (timedelta(minutes=18), 30),
    (timedelta(minutes=5), 60),
    (timedelta(minutes=20), 240),
)
DECISION_COMMENTS = (
    "Split it: the webhook part can ship on its own.",
    "Redis is already in the stack; no new moving parts.",
    None,
)
# (severity, type, card as (state, index) or None, minutes ago, acknowledged by)
ALERTS: tuple[tuple[str, str, tuple[str, int] | None, int, str | None], ...] = (
    ("critical", "stuck", (sm.CODING, 0), 6, None),
    ("critical", "resource", (sm.CODING, 1), 40, None),
    ("error", "regression", (sm.COMPLETED, 0), 25, None),
    ("error", "conflict", (sm.ERROR_FIXING, 0), 120, "bob"),
    ("warning", "digression", (sm.CODING, 2), 15, None),
    ("warning", "resource", None, 180, "alice"),
    ("warning", "stuck", (sm.BUILD_QUEUE, 0), 50, None),
    ("info", "regression", (sm.VERIFYING, 0), 300, None),
    ("info", "conflict", None, 1_440, "chen"),
    ("info", "digression", (sm.CODE_REVIEW, 0), 540, None),
)
# (card, depends on, type), cards as (state, index).
DEPENDENCIES: tuple[tuple[tuple[str, int], tuple[str, int], str], ...] = (
    ((sm.DRAFT, 0), (sm.CODING, 1), "blocks"),
    ((sm.DRAFT, 1), (sm.CODE_REVIEW, 0), "blocks"),
    ((sm.PLANNING, 2), (sm.COMPLETED, 0), "blocks"),
    ((sm.CODING, 3), (sm.TESTING, 0), "blocks"),
    ((sm.TESTING, 1), (sm.COMPLETED, 1), "relates_to"),
    ((sm.DRAFT, 2), (sm.ARCHIVED, 0), "duplicates"),
)


@dataclass
class _Attempt:
    number: int
    agent_type: str
    started: datetime
    duration_ms: int
    failed: bool
    running: bool
    work: AgentWork | None = None
    commit: Commit | None = None

    @property
    def last_seen(self) -> datetime:
        """When it finished, or for a running one when it started."""
        return self.started + timedelta(milliseconds=self.duration_ms)


@dataclass
class _Card:
    """One card's planned life: its path through the states and its attempts."""

    id: str
    project: int
    text: texts.CardText
    path: list[str]
    moved_at: list[datetime]
    created: datetime
    attempts: list[_Attempt] = field(default_factory=list)
    pull_request: bool = False
    criteria: bool = True

    @property
    def state(self) -> str:
        return self.path[-1]

    def passed(self, state: str) -> bool:
        return state in self.path[:-1]


def create_demo_database(
    db_path: Path,
    *,
    seed: int = 7,
    repo_root: Path | None = None,
    now: datetime | None = None,
) -> None:
    """Create `db_path` with the schema and the demo data; demo git repositories (one
    per project) under `repo_root` when given. Every timestamp is relative to `now`."""
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    rnd = random.Random(seed)
    database = create_ringmaster_database(db_path)
    try:
        repos = _repositories(repo_root, now)
        cards = _plan_cards(rnd, now)
        _do_the_work(rnd, cards, repos)
        database.write_with_retry(lambda conn: _write(Rows(conn, rnd), rnd, cards, repos, now))
    finally:
        database.dispose()


def _repositories(repo_root: Path | None, now: datetime) -> list[DemoRepo | None]:
    if repo_root is None:
        return [None] * len(texts.PROJECTS)
    repos: list[DemoRepo | None] = []
    for spec in texts.PROJECTS:
        try:
            repos.append(DemoRepo.create(repo_root / spec.name, now - timedelta(days=30)))
        except GitError as exc:
            # The demo stays useful without git: its attempts just have no commits.
            log.warning("no demo repository for %s: %s", spec.name, exc)
            repos.append(None)
    return repos


# --- planning: each card's path, times and attempts ---


def _plan_cards(rnd: random.Random, now: datetime) -> list[_Card]:
    titles: set[str] = set()
    cards: list[_Card] = []
    for state, count in CARDS_PER_STATE.items():
        for index in range(count):
            project = rnd.randrange(len(texts.PROJECTS))
            text = _unique_text(rnd, texts.PROJECTS[project], titles)
            card = _plan_card(rnd, project, text, state, now, stalled=(state, index) == STALLED)
            # Approving a plan needs criteria: only drafts and some plans lack them.
            if state == sm.DRAFT:
                card.criteria = rnd.random() < 0.5
            elif state == sm.PLANNING:
                card.criteria = index >= PLANNING_WITHOUT_CRITERIA
            # Approving a review needs a pull request: every card past review has one.
            card.pull_request = card.passed(sm.CODE_REVIEW) or (
                state == sm.CODE_REVIEW and index < REVIEWS_WITH_PULL_REQUEST
            )
            cards.append(card)
    payments = texts.PROJECTS[0]
    hostile_title = replace(_unique_text(rnd, payments, titles), title=texts.HOSTILE_TITLE)
    hostile_description = replace(
        _unique_text(rnd, payments, titles), description=texts.HOSTILE_DESCRIPTION
    )
    cards.append(_plan_card(rnd, 0, hostile_title, sm.CODING, now))
    cards.append(_plan_card(rnd, 0, hostile_description, sm.CODE_REVIEW, now))
    return cards


def _unique_text(rnd: random.Random, spec: texts.ProjectSpec, seen: set[str]) -> texts.CardText:
    text = texts.card_text(rnd, spec)
    for _ in range(20):
        if text.title not in seen:
            break
        text = texts.card_text(rnd, spec)
    seen.add(text.title)
    return text


def _path_to(rnd: random.Random, target: str) -> list[str]:
    """A plausible sequence of states from draft to `target`, detours included."""
    if target == sm.ARCHIVED:
        return [*_path_to(rnd, rnd.choice((sm.COMPLETED, sm.COMPLETED, sm.FAILED))), target]
    if target == sm.FAILED:
        return [*_path_to(rnd, rnd.choice((sm.ERROR_FIXING, sm.BUILD_FAILED))), target]
    if target == sm.BUILD_FAILED:
        return [*_path_to(rnd, sm.BUILDING), target]
    if target == sm.ERROR_FIXING:
        origin = rnd.choice((sm.CODING, sm.CODING, sm.TESTING, sm.DEPLOYING, sm.VERIFYING))
        return [*_path_to(rnd, origin), target]
    path = list(HAPPY_PATH[: HAPPY_PATH.index(target) + 1])
    # (where, detour, how often): a rejected plan, a failed loop, a rejected review.
    detours = (
        (sm.PLANNING, [sm.DRAFT, sm.PLANNING], 0.15),
        (sm.CODING, [sm.ERROR_FIXING, sm.CODING], 0.35),
        (sm.CODE_REVIEW, [sm.CODING, sm.CODE_REVIEW], 0.25),
    )
    for where, detour, chance in detours:
        if where in path[:-1] and rnd.random() < chance:
            at = path.index(where) + 1
            path[at:at] = detour
    return path


def _dwell(rnd: random.Random, state: str) -> timedelta:
    low, high = DWELL_MINUTES.get(state, (5, 60))
    return timedelta(minutes=rnd.uniform(low, high))


def _plan_card(
    rnd: random.Random,
    project: int,
    text: texts.CardText,
    target: str,
    now: datetime,
    *,
    stalled: bool = False,
) -> _Card:
    path = _path_to(rnd, target)
    for before, after in itertools.pairwise(path):
        if (before, after) not in lifecycle.USER_TRIGGERS:
            lifecycle.system_trigger(before, after)  # raises on an illegal plan
    # Walk back from now: when the card entered its state, and each state before it.
    if target in (sm.COMPLETED, sm.FAILED, sm.ARCHIVED):
        entered = now - timedelta(minutes=rnd.uniform(*FINISHED_AGO_MINUTES))
    else:
        entered = now - _dwell(rnd, target) * rnd.uniform(0.05, 0.9)
    if stalled:
        entered = now - timedelta(hours=3)
    moved_at: list[datetime] = []
    if len(path) > 1:
        moved_at = [entered]
        for state in reversed(path[1:-1]):
            moved_at.insert(0, moved_at[0] - _dwell(rnd, state))
        entered = moved_at[0] - _dwell(rnd, sm.DRAFT)
    card = _Card(random_uuid(rnd), project, text, path, moved_at, created=entered)
    for index, state in enumerate(path):
        if state in sm.ACTIVE_LOOP_STATES:
            start = card.created if index == 0 else moved_at[index - 1]
            end = moved_at[index] if index < len(moved_at) else None
            following = path[index + 1] if index + 1 < len(path) else None
            _plan_attempts(rnd, card, state, start, end, following, now, stalled)
    return card


def _plan_attempts(
    rnd: random.Random,
    card: _Card,
    state: str,
    start: datetime,
    end: datetime | None,
    following: str | None,
    now: datetime,
    stalled: bool,
) -> None:
    """The attempts of one stay in coding or error_fixing, ending as the move after it says.

    A stay that ends in review or a fix ends with a success; one that ends in
    error_fixing or failed, with a failure. The current stay may have one still running.
    Finished attempts are planned here, made up and committed by _do_the_work.
    """
    count = rnd.randint(1, 2) if state == sm.ERROR_FIXING else rnd.randint(1, 3)
    running_since: datetime | None = None
    if following == sm.FAILED:
        count = 3
    if end is None and (stalled or rnd.random() < 0.7):
        ago = timedelta(minutes=55) if stalled else timedelta(minutes=rnd.uniform(1, 6))
        running_since = max(now - ago, start + timedelta(minutes=1))
        count = max(count - 1, 1) if not stalled else 3
    finish_by = running_since or end or now
    slot = (finish_by - start) / count
    for n in range(count):
        last = n == count - 1
        # A stay still in error_fixing has not found its fix yet.
        if following == sm.FAILED or (following is None and state == sm.ERROR_FIXING):
            failed = True
        elif last and following is not None:
            failed = following == sm.ERROR_FIXING
        else:
            failed = rnd.random() < (0.5 if state == sm.ERROR_FIXING else 0.3)
        duration = min(slot * 0.8, timedelta(minutes=rnd.uniform(2, 14)))
        card.attempts.append(
            _Attempt(
                number=len(card.attempts) + 1,
                agent_type=rnd.choice(texts.AGENTS),
                started=start + slot * n + slot * 0.05,
                duration_ms=int(duration.total_seconds() * 1000),
                failed=failed,
                running=False,
            )
        )
    if running_since is not None:
        card.attempts.append(
            _Attempt(
                len(card.attempts) + 1, rnd.choice(texts.AGENTS), running_since, 0, False, True
            )
        )


def _do_the_work(rnd: random.Random, cards: list[_Card], repos: list[DemoRepo | None]) -> None:
    """Make up every finished attempt's work, and commit it in time order, repo by repo."""
    finished = [(card, a) for card in cards for a in card.attempts if not a.running]
    queues: dict[int, list[tuple[_Attempt, AgentWork]]] = {}
    for card, attempt in sorted(finished, key=lambda pair: pair[1].last_seen):
        attempt.work = plan_work(
            rnd,
            spec=texts.PROJECTS[card.project],
            title=card.text.title,
            attempt=attempt.number,
            agent_type=attempt.agent_type,
            failed=attempt.failed,
            started=attempt.started,
            duration_ms=attempt.duration_ms,
        )
        queues.setdefault(card.project, []).append((attempt, attempt.work))
    jobs = [(repo, queues.get(n, [])) for n, repo in enumerate(repos) if repo is not None]

    def commit_all(job: tuple[DemoRepo, list[tuple[_Attempt, AgentWork]]]) -> None:
        repo, queue = job
        for attempt, work in queue:
            attempt.commit = repo.commit(work.files, work.message, work.finished, work.agent_type)

    if jobs:
        # One thread per repository: git runs in parallel, each repository in time order.
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            list(pool.map(commit_all, jobs))


# --- writing it all ---


def _write(
    rows: Rows,
    rnd: random.Random,
    cards: list[_Card],
    repos: list[DemoRepo | None],
    now: datetime,
) -> None:
    created = now - timedelta(days=30)
    project_ids = [
        rows.project(spec, None if repo is None else str(repo.path), created)
        for spec, repo in zip(texts.PROJECTS, repos, strict=True)
    ]
    by_state: dict[str, list[_Card]] = {}
    for card in cards:
        by_state.setdefault(card.state, []).append(card)
        _write_card(rows, rnd, card, project_ids[card.project], now)
    for (state, index), (on_state, on_index), kind in DEPENDENCIES:
        later = by_state[state][index]
        rows.dependency(later.id, by_state[on_state][on_index].id, kind, later.created)
    _write_decisions(rows, rnd, by_state, now)
    _write_alerts(rows, rnd, by_state, now)


def _write_card(
    rows: Rows, rnd: random.Random, card: _Card, project_id: str, now: datetime
) -> None:
    spec = texts.PROJECTS[card.project]
    done = [a for a in card.attempts if a.work is not None]
    pipeline_errors = sum(
        (before, after) in lifecycle.FAILURE_CATEGORY
        for before, after in itertools.pairwise(card.path)
    )
    error_count = sum(a.failed for a in done) + pipeline_errors
    last_event = max(
        [
            card.created,
            *card.moved_at,
            *(a.last_seen for a in card.attempts),
        ]
    )
    module = texts.module_of(card.text.title)
    built = card.passed(sm.BUILDING) or card.state == sm.BUILDING
    reached_coding = sm.CODING in card.path
    rows.card(
        id=card.id,
        project_id=project_id,
        title=card.text.title,
        description=card.text.description,
        task_prompt=card.text.task_prompt,
        state=card.state,
        previous_state=card.path[-2] if len(card.path) > 1 else None,
        state_changed_at=sqlite_timestamp(card.moved_at[-1]) if card.moved_at else None,
        loop_iteration=len(done),
        total_time_spent_ms=sum(a.duration_ms for a in done),
        total_cost_usd=round(sum(a.work.cost_usd for a in done if a.work), 4),
        error_count=error_count,
        max_retries=max(error_count, 1) if sm.FAILED in card.path else 5,
        branch_name=f"ringmaster/{module.replace('_', '-')}-{card.id[:6]}"
        if reached_coding
        else None,
        pull_request_url=pull_request_url(spec, rnd.randint(100, 9999))
        if card.pull_request
        else None,
        deployment_namespace=spec.package if built else None,
        deployment_name=spec.package if built else None,
        argocd_app_name=f"{spec.package}-prod" if built else None,
        labels=json.dumps(list(card.text.labels)),
        priority=rnd.choices((0, 1, 2, 3), weights=(3, 4, 2, 1))[0],
        deadline=sqlite_timestamp(now + timedelta(days=rnd.randint(1, 14)))
        if rnd.random() < 0.2
        else None,
        created_at=sqlite_timestamp(card.created),
        updated_at=sqlite_timestamp(last_event),
    )
    if card.criteria:
        rows.criteria(card.id, card.text.criteria, card.created)
    # Play the card's life out in time order, through the simulator's own writers.
    ref = CardRef(card.id, card.text.title, spec)
    people = rnd.sample(texts.HUMANS, 2)
    events: list[tuple[datetime, int, _Attempt | None]] = [
        (at, index, None) for index, at in enumerate(card.moved_at)
    ]
    events += [(a.last_seen, -1, a) for a in card.attempts]
    iteration = 0
    for at, index, attempt in sorted(events, key=lambda event: event[0]):
        if attempt is None:
            before, after = card.path[index], card.path[index + 1]
            rows.past_transition(card.id, before, after, at, people[index % 2])
            rows.after_move(ref, before, after, at)
            continue
        attempt_id = rows.start_attempt(
            ref, attempt.number, attempt.agent_type, attempt.started, iteration
        )
        if attempt.work is not None:
            iteration += 1
            rows.finish_attempt(attempt_id, attempt.work, attempt.commit)
            rows.after_attempt(ref, attempt_id, attempt.work, attempt.commit, iteration)


def _write_decisions(
    rows: Rows, rnd: random.Random, by_state: dict[str, list[_Card]], now: datetime
) -> None:
    waiting = [
        *by_state[sm.CODING][1:3],
        by_state[sm.ERROR_FIXING][0],
        by_state[sm.BUILD_FAILED][0],
    ]
    for n, (asked_ago, timeout) in enumerate(PENDING_DECISIONS):
        card = waiting[n] if n < len(waiting) else None
        rows.decision(
            None if card is None else card.id,
            _decision_text(rnd, card),
            timeout_minutes=timeout,
            requested_at=now - asked_ago,
            requested_by=f"loop-{n + 1}" if card else "pm",
        )
    for n, comment in enumerate(DECISION_COMMENTS):
        card = by_state[sm.COMPLETED][n]
        asked = now - timedelta(days=n + 1, hours=rnd.randint(1, 12))
        text = _decision_text(rnd, card)
        rows.decision(
            card.id,
            text,
            timeout_minutes=60,
            requested_at=asked,
            requested_by=f"loop-{n + 1}",
            status="decided",
            decided_by=texts.HUMANS[n],
            decided_at=sqlite_timestamp(asked + timedelta(minutes=7 + n)),
            choice=text.options[-1],
            comment=comment,
        )
    # One nobody answered in time: the orchestrator took the default.
    unanswered = by_state[sm.FAILED][0]
    asked = now - timedelta(days=2)
    text = _decision_text(rnd, unanswered)
    rows.decision(
        unanswered.id,
        text,
        timeout_minutes=30,
        requested_at=asked,
        requested_by="loop-2",
        status="auto_resolved",
        decided_by="auto",
        decided_at=sqlite_timestamp(asked + timedelta(minutes=30)),
        choice=text.default_option,
    )


def _write_alerts(
    rows: Rows, rnd: random.Random, by_state: dict[str, list[_Card]], now: datetime
) -> None:
    for severity, alert_type, where, minutes_ago, acknowledged_by in ALERTS:
        card = None if where is None else by_state[where[0]][where[1]]
        at = now - timedelta(minutes=minutes_ago)
        acknowledged: dict[str, Any] = {}
        if acknowledged_by is not None:
            acknowledged = {
                "acknowledged": 1,
                "acknowledged_by": acknowledged_by,
                "acknowledged_at": sqlite_timestamp(at + timedelta(minutes=12)),
            }
        rows.alert(
            None if card is None else card.id,
            severity,
            alert_type,
            texts.alert_text(rnd, alert_type, None if card is None else card.text.title),
            at,
            **acknowledged,
        )


def _decision_text(rnd: random.Random, card: _Card | None) -> texts.DecisionText:
    if card is None:
        return texts.decision_text(rnd, title=None, attempts=0, cost_usd=0.0)
    done = [a.work for a in card.attempts if a.work is not None]
    return texts.decision_text(
        rnd,
        title=card.text.title,
        attempts=len(done),
        cost_usd=sum(work.cost_usd for work in done),
    )

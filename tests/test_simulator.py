"""The simulator writes as a live orchestrator would; the demo data fills every screen.

Real SQLite files, real git repositories and a real second process; no mocks.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.domain.timefmt import parse_timestamp, sqlite_timestamp
from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.sources.ringmaster import workflow as sm
from ringmaster_tui.sources.ringmaster.sim import lifecycle, texts
from ringmaster_tui.sources.ringmaster.sim.demo import create_demo_database
from ringmaster_tui.sources.ringmaster.sim.simulator import SimulationReport, run_simulation

DEMO_NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
# As fast as the machine goes: runs are counted in steps, never timed.
UNPACED = 1_000_000.0
# A guard against a hang, not a measure of speed: what is waited for comes in well under.
PATIENCE_SECONDS = 60.0


class SteppingClock:
    """The simulator's injected clock: each reading is `step` after the one before."""

    def __init__(self, start: datetime, step: timedelta = timedelta(seconds=1)) -> None:
        self.start = start
        self.step = step
        self.last = start - step

    def __call__(self) -> datetime:
        self.last += self.step
        return self.last


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll `condition` until it holds; fail, saying `what` never happened, on a hang."""
    deadline = time.monotonic() + PATIENCE_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.02)


def rows(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def count(db: Path, table: str) -> int:
    return int(rows(db, f"SELECT count(*) FROM {table}")[0][0])


@dataclass(frozen=True)
class Run:
    db: Path
    started: str
    """The run's start, as a timestamp: rows made after it are the simulator's."""
    last: str
    """The clock's last reading, taken by the run's last write: it settled all due by then."""
    before: dict[str, int]
    """Row counts (and the last transition's rowid) before the run."""
    pending_before: set[str]
    report: SimulationReport


TABLES = ("cards", "attempts", "errors", "deployments", "decisions", "alerts")
RUN_STEPS = 300


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """A demo database with repositories, after a simulator run of RUN_STEPS changes."""
    base = tmp_path_factory.mktemp("sim")
    db, repos = base / "demo.db", base / "repos"
    create_demo_database(db, repo_root=repos, now=DEMO_NOW)
    before = {table: count(db, table) for table in TABLES}
    before["rowid"] = rows(db, "SELECT max(rowid) FROM state_transitions")[0][0]
    pending = {r[0] for r in rows(db, "SELECT id FROM decisions WHERE status = 'pending'")}
    # A day after the demo: every decision it left pending has timed out when the run starts.
    clock = SteppingClock(DEMO_NOW + timedelta(days=1))
    started = sqlite_timestamp(clock.start)
    report = run_simulation(db, rate=UNPACED, steps=RUN_STEPS, seed=1, repo_root=repos, clock=clock)
    return Run(db, started, sqlite_timestamp(clock.last), before, pending, report)


def test_the_trigger_table_names_exactly_the_system_transitions() -> None:
    system = {(f, t) for f, targets in sm.SYSTEM_TRANSITIONS.items() for t in targets}
    assert set(lifecycle.SYSTEM_TRIGGERS) == system
    assert not set(lifecycle.USER_TRIGGERS) & system


def test_every_move_the_simulator_made_is_its_own_or_signed_as_standing_in(run: Run) -> None:
    moves = rows(
        run.db,
        "SELECT from_state, to_state, trigger, metadata FROM state_transitions WHERE rowid > ?",
        run.before["rowid"],
    )
    stand_ins = 0

    assert len(moves) == run.report.transitions > 20
    for from_state, to_state, trigger, metadata in moves:
        actor = json.loads(metadata)
        if sm.is_system_transition(from_state, to_state):
            assert trigger == lifecycle.SYSTEM_TRIGGERS[(from_state, to_state)]
            assert actor == {"by": "simulator"}
            continue
        # A person's move, made by the simulator standing in for one, and signed so.
        assert trigger == lifecycle.USER_TRIGGERS[(from_state, to_state)], (from_state, to_state)
        assert re.fullmatch(r"simulator \(standing in for [a-z -]+\)", actor["by"]), actor
        assert set(actor) <= {"by", "note"}
        stand_ins += 1
    assert stand_ins == run.report.stand_in_moves > 0


def test_every_card_is_where_its_unbroken_history_ends(run: Run) -> None:
    history: dict[str, list[tuple[str, str]]] = {}
    for card_id, from_state, to_state in rows(
        run.db, "SELECT card_id, from_state, to_state FROM state_transitions ORDER BY rowid"
    ):
        history.setdefault(card_id, []).append((from_state, to_state))

    for card_id, state, previous in rows(run.db, "SELECT id, state, previous_state FROM cards"):
        moves = history.get(card_id, [])
        if not moves:
            assert (state, previous) == (sm.DRAFT, None), card_id
            continue
        assert moves[0][0] == sm.DRAFT, card_id
        for (_, reached), (left, _) in pairwise(moves):
            assert reached == left, (card_id, moves)
        assert moves[-1] == (previous, state), card_id


def test_loop_figures_add_up_on_every_card(run: Run) -> None:
    for card_id, iteration, errors, cost in rows(
        run.db, "SELECT id, loop_iteration, error_count, total_cost_usd FROM cards"
    ):
        numbers = rows(
            run.db,
            "SELECT attempt_number, status, cost_usd FROM attempts WHERE card_id = ? "
            "ORDER BY attempt_number",
            card_id,
        )
        finished = [n for n in numbers if n[1] != "running"]
        assert [n[0] for n in numbers] == list(range(1, len(numbers) + 1)), card_id
        assert len(numbers) - len(finished) <= 1, "one agent at a time"
        assert iteration == len(finished), card_id
        assert cost == pytest.approx(sum(n[2] for n in finished), abs=1e-3), card_id
        filed = rows(run.db, "SELECT count(*) FROM errors WHERE card_id = ?", card_id)[0][0]
        assert errors == filed, card_id


def test_finished_attempts_carry_their_results(run: Run) -> None:
    finished = rows(
        run.db,
        "SELECT status, completed_at, duration_ms, tokens_used, output, error_message, "
        "commit_sha, diff_stats FROM attempts WHERE status != 'running'",
    )

    assert {r[0] for r in finished} == {"completed", "failed"}
    for status, completed_at, duration, tokens, output, error, sha, stats in finished:
        assert completed_at and duration >= 0 and tokens > 0
        assert len(output) > 2_000, "a few KB of agent log"
        assert (error is not None) == (status == "failed")
        if sha is not None:
            assert set(json.loads(stats)) == {"filesChanged", "insertions", "deletions"}


def test_recorded_commits_exist_in_the_demo_repositories(run: Run) -> None:
    by_repo: dict[str, list[str]] = {}
    for sha, repo in rows(
        run.db,
        "SELECT a.commit_sha, p.repository_path FROM attempts a "
        "JOIN cards c ON c.id = a.card_id JOIN projects p ON p.id = c.project_id "
        "WHERE a.commit_sha IS NOT NULL",
    ):
        by_repo.setdefault(repo, []).append(sha)
    made_now = rows(
        run.db,
        "SELECT count(*) FROM attempts WHERE commit_sha IS NOT NULL AND completed_at >= ?",
        run.started,
    )[0][0]

    assert made_now == run.report.commits > 5
    assert len(by_repo) == len(texts.PROJECTS)
    for repo, shas in by_repo.items():
        checked = subprocess.run(
            ["git", "-C", repo, "cat-file", "--batch-check=%(objecttype)"],
            input="".join(f"{sha}\n" for sha in shas),
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        assert checked.stdout.split() == ["commit"] * len(shas), repo


def test_errors_are_resolved_by_a_later_successful_attempt(run: Run) -> None:
    resolved = rows(
        run.db,
        "SELECT e.card_id, e.created_at, e.resolved_at, a.card_id, a.status, a.completed_at "
        "FROM errors e JOIN attempts a ON a.id = e.resolution_attempt_id WHERE e.resolved = 1",
    )
    unresolved = rows(run.db, "SELECT count(*) FROM errors WHERE resolved = 0")[0][0]

    assert resolved and unresolved and run.report.errors_resolved > 0
    assert rows(run.db, "SELECT count(*) FROM errors WHERE resolved = 1")[0][0] == len(resolved)
    for card, created, resolved_at, fixer_card, status, completed in resolved:
        assert (fixer_card, status, resolved_at) == (card, "completed", completed)
        assert created <= resolved_at


def test_timed_out_decisions_are_settled_with_their_default(run: Run) -> None:
    settled = rows(
        run.db,
        f"SELECT status, decided_by, choice, default_option, decided_at FROM decisions "
        f"WHERE id IN ({','.join('?' * len(run.pending_before))})",
        *run.pending_before,
    )
    overdue = rows(
        run.db,
        "SELECT count(*) FROM decisions WHERE status = 'pending' AND datetime(requested_at, "
        "'+' || timeout_minutes || ' minutes') <= ?",
        run.last,
    )[0][0]

    assert len(settled) == len(run.pending_before) >= 4
    for status, decided_by, choice, default, decided_at in settled:
        assert (status, decided_by, choice) == ("auto_resolved", "auto", default)
        assert decided_at >= run.started
    assert overdue == 0
    assert run.report.decisions_auto_resolved >= len(run.pending_before)


def test_the_report_counts_what_was_written(run: Run) -> None:
    report = run.report
    added = {table: count(run.db, table) - run.before[table] for table in TABLES}

    assert added["cards"] == report.cards
    assert added["attempts"] == report.attempts_started
    assert added["errors"] == report.errors
    assert added["deployments"] == report.deployments
    assert added["decisions"] == report.decisions
    assert added["alerts"] == report.alerts
    assert report.changes + report.idle == len(report.log)
    assert str(report).startswith(f"{report.changes} changes: ")


def test_every_timestamp_is_in_sqlite_format(run: Run) -> None:
    for (table,) in rows(run.db, "SELECT name FROM sqlite_master WHERE type = 'table'"):
        columns = [c[1] for c in rows(run.db, f"PRAGMA table_info({table})")]
        for column in (c for c in columns if c.endswith("_at") or c == "deadline"):
            for (value,) in rows(run.db, f"SELECT DISTINCT {column} FROM {table}"):
                assert value is None or TIMESTAMP.fullmatch(value), (table, column, value)


def test_stop_ends_a_run_at_once_and_leaves_no_transaction(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    create_demo_database(db, now=DEMO_NOW)
    watcher = sqlite3.connect(db, isolation_level=None)
    version = watcher.execute("PRAGMA data_version").fetchone()[0]
    stop = threading.Event()
    reports: list[SimulationReport] = []
    # One change an hour: after its first, the run waits for the next or for `stop`.
    runner = threading.Thread(
        target=lambda: reports.append(run_simulation(db, rate=1 / 3600, stop=stop, seed=3))
    )
    runner.start()
    wait_until(
        lambda: watcher.execute("PRAGMA data_version").fetchone()[0] != version,
        "the simulator committed its first change",
    )
    watcher.close()

    stop.set()
    # Far less than the hour it would wait if `stop` did not cut its wait short.
    runner.join(timeout=PATIENCE_SECONDS)

    assert not runner.is_alive()
    assert reports[0].changes == len(reports[0].log) == 1
    conn = sqlite3.connect(db, isolation_level=None, timeout=0)
    conn.execute("BEGIN IMMEDIATE")  # fails at once if a write transaction were still open
    conn.execute("ROLLBACK")
    conn.close()


# The tables the simulator adds rows to with ids of its own making (a move's audit row
# takes the schema's default id, SQLite's random one, as a person's move does).
WRITTEN = (
    "cards",
    "acceptance_criteria",
    "card_dependencies",
    "attempts",
    "prompt_metrics",
    "loop_snapshots",
    "errors",
    "deployments",
    "decisions",
    "alerts",
)


def ids_of(db: Path) -> dict[str, list[str]]:
    return {
        table: [r[0] for r in rows(db, f"SELECT id FROM {table} ORDER BY rowid")]
        for table in WRITTEN
    }


def test_the_same_seed_makes_the_same_changes(tmp_path: Path) -> None:
    create_demo_database(tmp_path / "a.db", now=DEMO_NOW)
    for name in ("b", "c"):
        shutil.copy(tmp_path / "a.db", tmp_path / f"{name}.db")

    logs = [
        run_simulation(
            tmp_path / f"{name}.db",
            rate=UNPACED,
            steps=60,
            seed=seed,
            clock=SteppingClock(DEMO_NOW + timedelta(hours=1)),
        ).log
        for name, seed in (("a", 42), ("b", 42), ("c", 43))
    ]

    assert len(logs[0]) == 60
    assert logs[0] == logs[1]
    assert logs[0] != logs[2]
    assert ids_of(tmp_path / "a.db") == ids_of(tmp_path / "b.db"), "the same rows, too"


@pytest.mark.parametrize("demo_seed", [1, 7])
def test_a_seed_run_again_on_its_own_database_writes_new_rows(
    tmp_path: Path, demo_seed: int
) -> None:
    db = tmp_path / "demo.db"
    create_demo_database(db, seed=demo_seed, now=DEMO_NOW)
    written = [ids_of(db)]

    for n in range(3):
        clock = SteppingClock(DEMO_NOW + timedelta(hours=1 + n))
        report = run_simulation(db, rate=UNPACED, steps=40, seed=1, clock=clock)
        assert report.changes > 0
        written.append(ids_of(db))

    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    for before, after in pairwise(written):
        # Every row written before is still there, and each run added rows of its own.
        assert all(after[t][: len(before[t])] == before[t] for t in WRITTEN)
        assert sum(len(after[t]) for t in WRITTEN) > sum(len(before[t]) for t in WRITTEN)


SIMULATE_IN_ANOTHER_PROCESS = """
import signal
import sys
from pathlib import Path
from ringmaster_tui.sources.ringmaster.sim.simulator import run_simulation
# Ctrl-C raises KeyboardInterrupt even if this test runs where SIGINT is ignored.
signal.signal(signal.SIGINT, signal.default_int_handler)
try:
    run_simulation(Path(sys.argv[1]), rate=100, seed=5)
except KeyboardInterrupt:
    sys.exit(0)
"""


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[bytes]]]:
    db = tmp_path / "demo.db"
    create_demo_database(db, now=DEMO_NOW)
    process = subprocess.Popen([sys.executable, "-c", SIMULATE_IN_ANOTHER_PROCESS, str(db)])
    yield db, process
    if process.poll() is None:
        process.kill()
        process.wait()


def test_a_second_process_simulates_while_this_one_reads(
    writer: tuple[Path, subprocess.Popen[bytes]],
) -> None:
    db, process = writer
    source = open_source(db, read_only=True, user="reader")
    boards: set[tuple[tuple[str, int], ...]] = set()

    def board_changed_again() -> bool:
        assert process.poll() is None, "the writer ended by itself"
        snapshot = source.snapshot(BoardQuery(), DEMO_NOW)
        boards.add(tuple(sorted(snapshot.states.items())))
        return len(boards) > 3

    # However long the writer takes to start, the reader sees the board change under it.
    wait_until(board_changed_again, "the reader saw the board change while the writer ran")
    source.close()

    # Ctrl-C, whatever the writer is doing: it leaves whole changes only.
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=PATIENCE_SECONDS) == 0
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    for card_id, state, previous in rows(db, "SELECT id, state, previous_state FROM cards"):
        latest = rows(
            db,
            "SELECT from_state, to_state FROM state_transitions WHERE card_id = ? "
            "ORDER BY rowid DESC LIMIT 1",
            card_id,
        )
        assert latest in ([], [(previous, state)]), card_id
    conn = sqlite3.connect(db, isolation_level=None, timeout=0)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("ROLLBACK")
    conn.close()


# --- the demo data ---


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    create_demo_database(db, now=DEMO_NOW)
    return db


def test_the_demo_fills_every_lane_and_state(demo: Path) -> None:
    source = open_source(demo, read_only=True, user="t")
    snapshot = source.snapshot(BoardQuery(show_archived=True), DEMO_NOW)
    source.close()

    assert all(lane.count > 0 for lane in snapshot.lanes), snapshot.lanes
    assert set(snapshot.states) == set(sm.STATES)
    assert 50 <= snapshot.totals.cards <= 70
    assert any(loop.stalled for loop in snapshot.loops), "one agent runs far too long"
    assert any(card.blocked for lane in snapshot.lanes for card in lane.cards)


def test_the_demo_has_what_each_screen_needs(demo: Path) -> None:
    def one(sql: str) -> Any:
        return rows(demo, sql)[0][0]

    criteria = "(SELECT count(*) FROM acceptance_criteria a WHERE a.card_id = c.id)"
    assert one(f"SELECT count(*) FROM cards c WHERE state = 'planning' AND {criteria} = 0")
    assert one(f"SELECT count(*) FROM cards c WHERE state = 'planning' AND {criteria} > 0")
    reviews = rows(demo, "SELECT pull_request_url IS NULL FROM cards WHERE state = 'code_review'")
    assert {r[0] for r in reviews} == {0, 1}
    looping = one(
        "SELECT count(*) FROM (SELECT card_id FROM attempts a JOIN cards c ON c.id = a.card_id "
        "WHERE c.state IN ('coding', 'error_fixing') GROUP BY card_id HAVING count(*) >= 2)"
    )
    assert looping >= 4, "a handful of loops with several attempts each"
    assert one("SELECT count(*) FROM attempts WHERE status = 'running'") >= 3
    assert {r[0] for r in rows(demo, "SELECT DISTINCT resolved FROM errors")} == {0, 1}
    assert one("SELECT count(*) FROM loop_snapshots") > 50
    assert one("SELECT count(*) FROM deployments") > 10
    assert one("SELECT count(*) FROM card_dependencies WHERE dependency_type = 'blocks'") >= 3
    days = one(
        "SELECT count(DISTINCT date(created_at)) FROM prompt_metrics "
        "WHERE created_at >= datetime('2026-01-15 12:00:00', '-10 days')"
    )
    assert days >= 8, "prompt metrics over the last ten days"
    layers = {r[0] for r in rows(demo, "SELECT DISTINCT layer_name FROM prompt_metrics")}
    assert layers == set(texts.PROMPT_LAYERS)


def test_the_demo_decisions_have_different_times_left(demo: Path) -> None:
    pending = rows(
        demo, "SELECT requested_at, timeout_minutes FROM decisions WHERE status = 'pending'"
    )
    left = sorted(
        (parse_timestamp(at) or DEMO_NOW) + timedelta(minutes=timeout) - DEMO_NOW
        for at, timeout in pending
    )
    statuses = {r[0] for r in rows(demo, "SELECT status FROM decisions")}

    assert 4 <= len(left) <= 6 and len(set(left)) == len(left)
    assert timedelta(0) < left[0] < timedelta(minutes=1), "one nearly expired"
    assert left[-1] > timedelta(hours=1)
    assert {"pending", "decided", "auto_resolved"} <= statuses


def test_the_demo_alerts_cover_every_severity_and_type(demo: Path) -> None:
    alerts = rows(demo, "SELECT severity, alert_type, acknowledged FROM alerts")

    assert {a[0] for a in alerts} == {"info", "warning", "error", "critical"}
    assert {a[1] for a in alerts} == set(texts.ALERT_TYPES)
    assert {a[2] for a in alerts} == {0, 1}


def test_the_demo_keeps_hostile_text_as_it_is(demo: Path) -> None:
    titles = {r[0] for r in rows(demo, "SELECT title FROM cards")}
    descriptions = {r[0] for r in rows(demo, "SELECT description FROM cards")}

    assert texts.HOSTILE_TITLE in titles and "[b]markup[/b]" in texts.HOSTILE_TITLE
    assert texts.HOSTILE_DESCRIPTION in descriptions
    assert "\x1b]2;pwned\x07" in texts.HOSTILE_DESCRIPTION


def test_the_demo_is_repeatable_and_lives_before_its_clock(demo: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.db"
    create_demo_database(again, now=DEMO_NOW)
    dump = list(sqlite3.connect(demo).iterdump())

    assert dump == list(sqlite3.connect(again).iterdump())
    for (table,) in rows(demo, "SELECT name FROM sqlite_master WHERE type = 'table'"):
        for column in (c[1] for c in rows(demo, f"PRAGMA table_info({table})")):
            if column.endswith("_at"):
                latest = rows(demo, f"SELECT max({column}) FROM {table}")[0][0]
                assert latest is None or latest <= sqlite_timestamp(DEMO_NOW), (table, column)

"""The demo's board keeps moving for as long as its simulator runs: an hour, fast-forwarded.

The simulator runs on a SimulatedClock, step by step, and the board is read after every
step through a second connection: nothing here depends on how fast the machine is.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.domain.timefmt import sqlite_timestamp
from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.sources.ringmaster import workflow as sm
from ringmaster_tui.sources.ringmaster.schema import create_ringmaster_database
from ringmaster_tui.sources.ringmaster.sim import policy
from ringmaster_tui.sources.ringmaster.sim.clock import SimulatedClock
from ringmaster_tui.sources.ringmaster.sim.demo import create_demo_database
from ringmaster_tui.sources.ringmaster.sim.simulator import Simulation, run_simulation

DEMO_NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
# The board moves in the clock's time whatever the rate (policy.py); one change a second
# keeps the hour to 3,600 steps.
RATE = 1.0
HOUR = timedelta(hours=1)
WARM_UP = timedelta(minutes=2)
LANE_OF = {state: lane.name for lane in sm.LANES for state in lane.states}
# The lanes where a person acts: those holding a state a person's move starts from.
PERSON_LANES = sorted({LANE_OF[s] for move in sm.USER_TRIGGERS for s in move.from_states})


@dataclass
class Hour:
    db: Path
    start: str
    """The hour's start, as stored: rows made from then on are the simulator's."""
    steps: int = 0
    lowest_loops: int = 10**6
    """The fewest loops (coding, error_fixing) after the warm-up."""
    lowest_waiting: Counter[str] = field(default_factory=Counter)
    """Per person lane, the fewest cards it held after the warm-up."""
    most_open: int = 0
    """The most cards on the board (archived ones are not on it) at any step."""
    lane_seen: set[str] = field(default_factory=set)


def _lanes(conn: sqlite3.Connection) -> Counter[str]:
    held: Counter[str] = Counter()
    for state, count in conn.execute("SELECT state, count(*) FROM cards GROUP BY state"):
        if state != sm.ARCHIVED:
            held[LANE_OF[state]] += count
    return held


@pytest.fixture(scope="module")
def hour_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where the hour's database lives: in memory when the machine has a RAM disk, as its
    3,600 commits would each wait for a disk's flush (the board is the same either way)."""
    ram = Path("/dev/shm")
    if not (ram.is_dir() and os.access(ram, os.W_OK)):
        yield tmp_path_factory.mktemp("hour")
        return
    folder = Path(tempfile.mkdtemp(prefix="demo-hour-", dir=ram))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def hour(hour_folder: Path) -> Iterator[Hour]:
    """The demo database after a simulated hour, and what the board held on the way."""
    db = hour_folder / "demo.db"
    create_demo_database(db, now=DEMO_NOW)
    clock = SimulatedClock(DEMO_NOW)
    seen = Hour(db, sqlite_timestamp(DEMO_NOW))
    seen.lowest_waiting.update({lane: 10**6 for lane in PERSON_LANES})
    with closing(sqlite3.connect(db)) as watcher, Simulation(db, seed=11, clock=clock) as sim:
        while clock.now() < DEMO_NOW + HOUR:
            sim.step()
            seen.steps += 1
            clock.advance(1 / RATE)
            held = _lanes(watcher)
            seen.lane_seen |= {lane for lane, count in held.items() if count}
            seen.most_open = max(seen.most_open, sum(held.values()))
            if clock.now() - DEMO_NOW >= WARM_UP:
                loops = held["CODING"]  # the lane of coding and error_fixing
                seen.lowest_loops = min(seen.lowest_loops, loops)
                for lane in PERSON_LANES:
                    seen.lowest_waiting[lane] = min(seen.lowest_waiting[lane], held[lane])
    yield seen


def _one(db: Path, sql: str, *params: object) -> int:
    with closing(sqlite3.connect(db)) as conn:
        return int(conn.execute(sql, params).fetchone()[0])


def test_the_hour_is_counted_in_steps_on_the_simulated_clock(hour: Hour) -> None:
    assert hour.steps == int(HOUR.total_seconds() * RATE)


def test_at_least_three_loops_run_at_every_step_after_the_warm_up(hour: Hour) -> None:
    assert sm.ACTIVE_LOOP_STATES == (sm.CODING, sm.ERROR_FIXING)
    assert hour.lowest_loops >= policy.MIN_LOOPS == 3


def test_every_lane_saw_cards_come_in_during_the_hour(hour: Hour) -> None:
    with closing(sqlite3.connect(hour.db)) as conn:
        reached = {
            LANE_OF[to_state]
            for (to_state,) in conn.execute(
                "SELECT DISTINCT to_state FROM state_transitions WHERE created_at >= ?",
                (hour.start,),
            )
            if to_state != sm.ARCHIVED
        }
        # A card comes into DRAFT by being made, not by a move.
        made = conn.execute("SELECT count(*) FROM cards WHERE created_at >= ?", (hour.start,))
        if made.fetchone()[0]:
            reached.add(LANE_OF[sm.DRAFT])

    assert reached == {lane.name for lane in sm.LANES}
    assert hour.lane_seen == reached


def test_cards_wait_for_a_person_in_every_lane_a_person_acts_on(hour: Hour) -> None:
    assert sorted(["DRAFT", "PLANNING", "REVIEW", "DONE", "FAILED"]) == PERSON_LANES
    # The stand-in never takes a lane below what it keeps for the user.
    kept = {LANE_OF[state]: lane.keep for state, lane in policy.PERSON_LANES.items()}
    assert set(kept) == set(PERSON_LANES)
    for lane in PERSON_LANES:
        assert hour.lowest_waiting[lane] >= kept[lane] >= 2, (lane, hour.lowest_waiting)


def test_the_dashboard_shows_the_loops_running_after_the_hour(hour: Hour) -> None:
    source = open_source(hour.db, read_only=True, user="reader")
    try:
        snapshot = source.snapshot(BoardQuery(), DEMO_NOW + HOUR)
    finally:
        source.close()

    assert snapshot.totals.active_loops is not None
    assert snapshot.totals.active_loops >= policy.MIN_LOOPS
    assert len(snapshot.loops) >= policy.MIN_LOOPS
    waiting = {lane.name: lane.count for lane in snapshot.lanes}
    assert all(waiting[lane] for lane in PERSON_LANES), waiting


def test_new_cards_arrive_and_old_done_ones_are_archived(hour: Hour) -> None:
    arrived = _one(hour.db, "SELECT count(*) FROM cards WHERE created_at >= ?", hour.start)
    archived = _one(
        hour.db,
        "SELECT count(*) FROM state_transitions WHERE to_state = 'archived' AND created_at >= ?",
        hour.start,
    )

    assert arrived >= 30
    assert archived >= 30
    # The board does not grow: no more open cards than the policy allows, plus what
    # waits in DONE and FAILED to be archived.
    assert hour.most_open <= policy.OPEN_CARDS_MAX + 20


def test_the_simulator_stands_in_for_people_and_signs_as_such(hour: Hour) -> None:
    with closing(sqlite3.connect(hour.db)) as conn:
        signed = Counter(
            (trigger, json.loads(metadata)["by"])
            for trigger, metadata in conn.execute(
                "SELECT trigger, metadata FROM state_transitions WHERE created_at >= ?",
                (hour.start,),
            )
        )
    person_moves = {move.trigger for move in sm.USER_TRIGGERS}

    made = {trigger for trigger, _ in signed if trigger in person_moves}
    assert made >= {"start_planning", "approve_plan", "approve_review", "archive"}
    for (trigger, by), _ in signed.items():
        if trigger in person_moves:
            assert by.startswith("simulator (standing in for "), (trigger, by)
        else:
            assert by == "simulator", (trigger, by)


def test_decisions_come_and_go(hour: Hour) -> None:
    def count(condition: str) -> int:
        return _one(
            hour.db,
            f"SELECT count(*) FROM decisions WHERE requested_at >= ? AND {condition}",
            hour.start,
        )

    asked = count("1")
    expired = count("status = 'auto_resolved' AND choice = default_option AND decided_by = 'auto'")
    decided = count("status = 'decided' AND decided_by LIKE 'simulator (standing in for %)'")
    pending = count("status = 'pending'")

    assert asked >= 20
    assert expired >= 5, "some run out and take their default"
    assert decided >= 5, "some are decided"
    assert asked == expired + decided + pending
    assert pending <= policy.DECISIONS_MAX


def test_an_empty_database_shows_cards_attempts_and_transitions_within_seconds(
    tmp_path: Path,
) -> None:
    db = tmp_path / "empty.db"
    create_ringmaster_database(db).dispose()
    clock = SimulatedClock(DEMO_NOW)

    # `simulate`'s default rate, for ten seconds of its clock.
    report = run_simulation(db, rate=5.0, duration=10.0, seed=3, clock=clock)

    assert len(report.log) == 50
    assert clock.now() == DEMO_NOW + timedelta(seconds=10)
    assert _one(db, "SELECT count(*) FROM cards") >= 3
    assert _one(db, "SELECT count(*) FROM attempts") >= 1
    assert _one(db, "SELECT count(*) FROM state_transitions") >= 2


def test_a_simulated_run_repeats_under_its_seed(tmp_path: Path) -> None:
    logs = []
    for name in ("a", "b"):
        db = tmp_path / f"{name}.db"
        create_ringmaster_database(db).dispose()
        clock = SimulatedClock(DEMO_NOW)
        logs.append(run_simulation(db, rate=2.0, duration=60.0, seed=5, clock=clock).log)

    assert logs[0] == logs[1]
    assert len(logs[0]) == 120
    assert any(entry.startswith("stand_in ") for entry in logs[0])

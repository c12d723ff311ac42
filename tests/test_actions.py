"""Every write is one compare-and-set transaction with its audit row, or nothing at all."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest

from ringmaster_tui.sources.base import Source
from ringmaster_tui.sources.registry import open_source
from tests.builders import build_standard_board


@pytest.fixture
def board(tmp_path: Path) -> Source:
    build_standard_board(tmp_path / "board.db").close()
    return open_source(tmp_path / "board.db", user="ann")


def card_state(source: Source, title: str) -> str:
    conn = sqlite3.connect(source.engine.path)
    return str(conn.execute("SELECT state FROM cards WHERE title = ?", (title,)).fetchone()[0])


def card_id(source: Source, title: str) -> str:
    conn = sqlite3.connect(source.engine.path)
    return str(conn.execute("SELECT id FROM cards WHERE title = ?", (title,)).fetchone()[0])


def transitions(source: Source) -> list[tuple[str, str, str, dict[str, str]]]:
    conn = sqlite3.connect(source.engine.path)
    rows = conn.execute(
        "SELECT from_state, to_state, trigger, metadata FROM state_transitions ORDER BY rowid"
    )
    return [(f, t, trig, json.loads(meta)) for f, t, trig, meta in rows]


def test_approve_plan_moves_the_card_and_records_who(board: Source) -> None:
    outcome = board.transition(
        card_id(board, "Plan with criteria"), "planning", "approve_plan", "coding"
    )

    assert outcome.ok, outcome.message
    assert card_state(board, "Plan with criteria") == "coding"
    ((from_state, to_state, trigger, meta),) = transitions(board)
    assert (from_state, to_state, trigger) == ("planning", "coding", "approve_plan")
    assert meta["by"] == "ann"
    assert meta["via"] == "ringmaster-tui"
    conn = sqlite3.connect(board.engine.path)
    previous, changed_at = conn.execute(
        "SELECT previous_state, state_changed_at FROM cards WHERE title = 'Plan with criteria'"
    ).fetchone()
    assert previous == "planning"
    assert changed_at is not None


def test_approve_plan_refused_without_criteria(board: Source) -> None:
    outcome = board.transition(
        card_id(board, "Plan without criteria"), "planning", "approve_plan", "coding"
    )

    assert not outcome.ok
    assert "acceptance criteria" in outcome.message
    assert card_state(board, "Plan without criteria") == "planning"
    assert transitions(board) == []


def test_approve_review_refused_without_pull_request(board: Source) -> None:
    outcome = board.transition(
        card_id(board, "Review without PR"), "code_review", "approve_review", "testing"
    )

    assert not outcome.ok
    assert "pull request" in outcome.message
    assert transitions(board) == []


def test_lost_race_writes_nothing(board: Source) -> None:
    target = card_id(board, "Review me")
    conn = sqlite3.connect(board.engine.path)
    conn.execute("UPDATE cards SET state = 'coding' WHERE id = ?", (target,))
    conn.commit()

    outcome = board.transition(target, "code_review", "approve_review", "testing")

    assert not outcome.ok
    assert "moved to coding meanwhile" in outcome.message
    assert card_state(board, "Review me") == "coding"
    assert transitions(board) == []


def test_undo_is_a_recorded_transition_with_the_same_check(board: Source) -> None:
    target = card_id(board, "Write the plan")
    moved = board.transition(target, "draft", "start_planning", "planning").moved
    assert moved is not None

    outcome = board.undo(moved)

    assert outcome.ok
    assert card_state(board, "Write the plan") == "draft"
    assert [t[:3] for t in transitions(board)] == [
        ("draft", "planning", "start_planning"),
        ("planning", "draft", "undo"),
    ]
    # Undoing again finds the card no longer where the app put it.
    assert not board.undo(moved).ok
    assert len(transitions(board)) == 2


def test_force_any_to_any(board: Source) -> None:
    outcome = board.transition(card_id(board, "Gave up"), "failed", "force", "coding")

    assert outcome.ok
    assert transitions(board)[-1][:3] == ("failed", "coding", "force")


def test_read_only_never_writes(tmp_path: Path) -> None:
    build_standard_board(tmp_path / "board.db").close()
    source = open_source(tmp_path / "board.db", read_only=True, user="ann")
    before = (tmp_path / "board.db").read_bytes()

    outcomes = [
        source.transition(card_id(source, "Write the plan"), "draft", "start_planning", "planning"),
        source.resolve_error("error-1"),
        source.acknowledge_alerts(["alert-1"]),
        source.decide("decision-1", "a", None),
    ]

    assert all(not o.ok and "Read-only" in o.message for o in outcomes)
    assert (tmp_path / "board.db").read_bytes() == before


def test_acknowledge_resolve_and_decide_are_compare_and_set(board: Source) -> None:
    conn = sqlite3.connect(board.engine.path)
    alert_ids = [r[0] for r in conn.execute("SELECT id FROM alerts WHERE acknowledged = 0")]
    error_id = conn.execute("SELECT id FROM errors WHERE resolved = 0").fetchone()[0]
    decision_id = conn.execute("SELECT id FROM decisions WHERE status = 'pending'").fetchone()[0]

    assert board.acknowledge_alerts(alert_ids).changed == 2
    assert not board.acknowledge_alerts(alert_ids).ok
    assert board.resolve_error(error_id).ok
    assert not board.resolve_error(error_id).ok
    conn.execute("UPDATE decisions SET status = 'auto_resolved' WHERE id = ?", (decision_id,))
    conn.commit()
    lost = board.decide(decision_id, "sqlite", "go")
    assert not lost.ok
    assert "settled meanwhile" in lost.message
    row = conn.execute("SELECT decided_by, choice FROM decisions WHERE id = ?", (decision_id,))
    assert row.fetchone() == (None, None)
    acked_by = {
        r[0]
        for r in conn.execute("SELECT acknowledged_by FROM alerts WHERE id IN (?, ?)", alert_ids)
    }
    assert acked_by == {"ann"}


def test_a_write_waits_for_a_busy_database_then_succeeds(board: Source) -> None:
    blocker = sqlite3.connect(board.engine.path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    released = threading.Timer(0.5, lambda: blocker.execute("COMMIT"))
    released.start()

    outcome = board.transition(
        card_id(board, "Write the plan"), "draft", "start_planning", "planning"
    )

    released.join()
    assert outcome.ok
    assert card_state(board, "Write the plan") == "planning"

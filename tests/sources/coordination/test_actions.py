"""The coordination source's writes, checked in the database: each move one transaction,
compare-and-set on the status seen, and an event from `human` naming who; a lost race or
a guard writes nothing and says why; a read-only database is refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ringmaster_tui.sources.base import Source
from ringmaster_tui.sources.registry import open_source
from tests.sources.coordination.conftest import one, rows, run_sql

HUMAN_EVENTS = (
    "SELECT event_type, correlation_id, payload, acknowledged FROM events "
    "WHERE source = 'human' ORDER BY rowid"
)


@pytest.fixture
def source(coord_db: Path) -> Iterator[Source]:
    opened = open_source(coord_db, user="ann")
    yield opened
    opened.close()


def status(db: Path, test_id: str) -> str:
    return str(one(db, "SELECT status FROM tests WHERE id = ?", test_id)[0])


def human_events(db: Path) -> list[tuple[str, str, dict[str, object]]]:
    return [(t, c, json.loads(p)) for t, c, p, _ in rows(db, HUMAN_EVENTS)]


def test_unblock_moves_a_blocked_test_to_pending_with_an_event(
    coord_db: Path, source: Source
) -> None:
    outcome = source.transition("API-002", "blocked", "unblock", "pending")
    assert outcome.ok, outcome.message
    assert status(coord_db, "API-002") == "pending"
    ((kind, correlation, payload),) = human_events(coord_db)
    assert (kind, correlation) == ("test_unblocked", "API-002")
    assert payload["by"] == "ann" and payload["from_status"] == "blocked"
    assert payload["to_status"] == "pending"
    assert rows(coord_db, HUMAN_EVENTS)[0][3] == 0  # the loops still have to read it


def test_retry_moves_a_failed_test_with_attempts_left(coord_db: Path, source: Source) -> None:
    assert source.transition("API-001", "failed", "retry", "pending").ok
    assert status(coord_db, "API-001") == "pending"
    assert human_events(coord_db)[0][0] == "test_retry_requested"


def test_retry_refuses_a_test_out_of_attempts_unless_forced(coord_db: Path, source: Source) -> None:
    refused = source.transition("BLD-001", "failed", "retry", "pending")
    assert not refused.ok
    assert "used all its attempts" in refused.message and "3/3" in refused.message
    assert status(coord_db, "BLD-001") == "failed" and human_events(coord_db) == []
    forced = source.transition("BLD-001", "failed", "force", "pending")
    assert forced.ok, forced.message
    assert status(coord_db, "BLD-001") == "pending"
    assert human_events(coord_db)[0][0] == "test_forced"


def test_force_never_marks_a_test_passed(coord_db: Path, source: Source) -> None:
    outcome = source.transition("BLD-001", "failed", "force", "passed")
    assert not outcome.ok and "only forced to" in outcome.message
    assert status(coord_db, "BLD-001") == "failed"


def test_skip_takes_a_pending_or_blocked_test_out(coord_db: Path, source: Source) -> None:
    assert source.transition("API-009", "pending", "skip", "skipped").ok
    assert source.transition("API-003", "blocked", "skip", "skipped").ok
    assert (status(coord_db, "API-009"), status(coord_db, "API-003")) == ("skipped", "skipped")
    refused = source.transition("API-001", "failed", "skip", "skipped")
    assert not refused.ok and status(coord_db, "API-001") == "failed"
    assert [e[0] for e in human_events(coord_db)] == ["test_skipped", "test_skipped"]


def test_a_test_that_moved_meanwhile_is_left_alone(coord_db: Path, source: Source) -> None:
    run_sql(coord_db, "UPDATE tests SET status = 'in_progress' WHERE id = 'API-002'")
    outcome = source.transition("API-002", "blocked", "unblock", "pending")
    assert not outcome.ok
    assert outcome.message == "API-002 is in_progress now (you saw blocked); nothing was written."
    assert status(coord_db, "API-002") == "in_progress" and human_events(coord_db) == []
    gone = source.transition("NO-SUCH", "blocked", "unblock", "pending")
    assert not gone.ok and "no longer exists" in gone.message


def test_events_are_acknowledged_once_by_the_user(coord_db: Path, source: Source) -> None:
    ids = [r[0] for r in rows(coord_db, "SELECT id FROM events WHERE acknowledged = 0")][:3]
    run_sql(
        coord_db,
        "UPDATE events SET acknowledged = 1, acknowledged_by = 'monitor' WHERE id = ?",
        ids[0],
    )
    outcome = source.act("events", "acknowledge_listed", [(i, "unacknowledged") for i in ids])
    assert outcome.ok and outcome.changed == 2
    assert outcome.message == "Acknowledged 2 event(s); 1 had been acknowledged meanwhile."
    marks = rows(
        coord_db,
        f"SELECT acknowledged, acknowledged_by, acknowledged_at IS NOT NULL FROM events "
        f"WHERE id IN ({', '.join('?' for _ in ids)}) ORDER BY acknowledged_by",
        *ids,
    )
    assert marks == [(1, "ann", 1), (1, "ann", 1), (1, "monitor", 0)]
    again = source.act("events", "acknowledge", [(ids[1], "unacknowledged")])
    assert not again.ok and "already acknowledged" in again.message


def test_decide_and_acknowledge_alerts_compare_and_set(coord_db: Path, source: Source) -> None:
    decided = source.decide("dec-001", "merge by hand", "keep both")
    assert decided.ok
    assert one(
        coord_db, "SELECT status, decided_by, choice, comment FROM decisions WHERE id = 'dec-001'"
    ) == ("decided", "ann", "merge by hand", "keep both")
    assert human_events(coord_db)[0][:2] == ("decision_made", "dec-001")
    late = source.decide("dec-001", "keep api", None)
    assert not late.ok and "settled meanwhile" in late.message
    assert source.acknowledge_alerts(["alert-001", "alert-004"]).changed == 1  # 004 was done
    assert one(coord_db, "SELECT acknowledged_by FROM alerts WHERE id = 'alert-001'") == ("ann",)


def test_change_requests_are_approved_or_rejected_by_human(coord_db: Path, source: Source) -> None:
    assert source.act("changes", "approve", [("cr-001", "pending")]).ok
    assert source.act("changes", "reject", [("cr-002", "pending")]).ok
    resolved = rows(
        coord_db,
        "SELECT id, status, resolved_by, resolved_at IS NOT NULL FROM change_requests ORDER BY id",
    )
    assert resolved[:2] == [("cr-001", "approved", "human", 1), ("cr-002", "rejected", "human", 1)]
    late = source.act("changes", "approve", [("cr-001", "pending")])
    assert not late.ok and "resolved meanwhile" in late.message
    assert [e[0] for e in human_events(coord_db)] == [
        "change_request_approved",
        "change_request_rejected",
    ]


def test_a_read_only_database_is_refused_in_words(coord_db: Path) -> None:
    source = open_source(coord_db, user="ann", read_only=True)
    try:
        outcome = source.transition("API-002", "blocked", "unblock", "pending")
        assert not outcome.ok and outcome.message.startswith("Read-only")
        assert not source.act("events", "acknowledge", [("x", "unacknowledged")]).ok
    finally:
        source.close()
    assert status(coord_db, "API-002") == "blocked"

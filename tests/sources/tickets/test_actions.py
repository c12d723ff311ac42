"""The writes: each one transaction, compare-and-set on what the user saw, and a comment
saying who did it and why; a ticket another writer moved meanwhile is left alone."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.sources.tickets.source import TicketsSource


def row(db: Path, sql: str, *params: object) -> tuple[object, ...]:
    with closing(sqlite3.connect(db)) as conn:
        found = conn.execute(sql, params).fetchone()
    assert found is not None
    return tuple(found)


def last_comment(db: Path, ticket_id: str) -> tuple[object, ...]:
    return row(
        db,
        "SELECT worker_type, worker_id, stage_number, content FROM comments "
        "WHERE ticket_id = ? ORDER BY id DESC LIMIT 1",
        ticket_id,
    )


def count(db: Path, table: str) -> int:
    return int(str(row(db, f"SELECT count(*) FROM {table}")[0]))


def other_writer(db: Path, sql: str, *params: object) -> None:
    with closing(sqlite3.connect(db, isolation_level=None)) as conn:
        conn.execute(sql, params)


def test_comment_is_recorded_as_the_human_at_the_current_stage(
    source: TicketsSource, tickets_db: Path
) -> None:
    outcome = source.transition("A-2", "coder", "comment", "coder", "Please add a test")
    assert outcome.ok, outcome.message
    assert last_comment(tickets_db, "A-2") == ("human", "ann", 2, "Please add a test")
    assert row(tickets_db, "SELECT last_completed_stage FROM tickets WHERE ticket_id='A-2'") == (
        "planner",
    )


def test_close_sets_closed_at_and_says_why(source: TicketsSource, tickets_db: Path) -> None:
    outcome = source.transition("A-4", "Done", "close", "Closed", "shipped")
    assert outcome.ok and "Now in Closed" in outcome.message
    closed_at, updated_at = row(
        tickets_db, "SELECT closed_at, updated_at FROM tickets WHERE ticket_id='A-4'"
    )
    assert closed_at is not None and closed_at == updated_at
    assert last_comment(tickets_db, "A-4") == ("human", "ann", 4, "Closed by ann: shipped")


def test_reopen_clears_closed_at_back_to_its_stage(source: TicketsSource, tickets_db: Path) -> None:
    outcome = source.transition("A-5", "Closed", "reopen", "reopened", "regressed")
    assert outcome.ok and "Now in Done" in outcome.message
    assert row(tickets_db, "SELECT closed_at FROM tickets WHERE ticket_id='A-5'") == (None,)
    assert last_comment(tickets_db, "A-5")[3] == "Reopened by ann: regressed"


def test_send_back_offers_the_done_stages_and_redoes_the_one_picked(
    source: TicketsSource, tickets_db: Path
) -> None:
    assert source.move_targets("A-3", "send_back") == ("planner", "coder")
    assert source.move_targets("A-4", "send_back") == ("planner", "coder", "reviewer", "tester")
    assert source.move_targets("A-1", "send_back") == ()
    assert source.move_targets("A-5", "send_back") == ()  # closed: reopen it first
    outcome = source.transition("A-3", "reviewer", "send_back", "coder", "the diff is wrong")
    assert outcome.ok and "Now in coder" in outcome.message
    assert row(tickets_db, "SELECT last_completed_stage FROM tickets WHERE ticket_id='A-3'") == (
        "planner",
    )
    assert last_comment(tickets_db, "A-3") == (
        "human",
        "ann",
        2,
        "Sent back to coder by ann: the diff is wrong",
    )


def test_send_back_to_a_stage_not_yet_done_is_refused(
    source: TicketsSource, tickets_db: Path
) -> None:
    before = count(tickets_db, "comments")
    outcome = source.transition("A-3", "reviewer", "send_back", "tester", "why not")
    assert not outcome.ok and "nothing was written" in outcome.message
    assert count(tickets_db, "comments") == before


def test_a_ticket_moved_meanwhile_is_left_alone_and_the_text_kept(
    source: TicketsSource, tickets_db: Path
) -> None:
    other_writer(
        tickets_db, "UPDATE tickets SET last_completed_stage = 'reviewer' WHERE ticket_id='A-3'"
    )
    before = count(tickets_db, "comments")
    outcome = source.transition("A-3", "reviewer", "comment", "reviewer", "my careful words")
    assert not outcome.ok
    assert "moved to tester meanwhile (you saw reviewer)" in outcome.message
    assert "nothing was written" in outcome.message and "my careful words" in outcome.message
    closing_too = source.transition("A-3", "reviewer", "close", "Closed", "done")
    assert not closing_too.ok
    assert count(tickets_db, "comments") == before
    assert row(tickets_db, "SELECT closed_at FROM tickets WHERE ticket_id='A-3'") == (None,)


def test_closed_meanwhile_by_another_writer(source: TicketsSource, tickets_db: Path) -> None:
    other_writer(
        tickets_db, "UPDATE tickets SET closed_at = '2026-01-15 11:00:00' WHERE ticket_id='A-4'"
    )
    outcome = source.transition("A-4", "Done", "close", "Closed", "shipped")
    assert not outcome.ok and "moved to Closed meanwhile" in outcome.message


def test_a_deleted_ticket(source: TicketsSource, tickets_db: Path) -> None:
    other_writer(tickets_db, "DELETE FROM tickets WHERE ticket_id='A-6'")
    outcome = source.transition("A-6", "Planned", "comment", "Planned", "hello")
    assert not outcome.ok and "no longer exists" in outcome.message


def test_read_only_writes_nothing(tickets_db: Path) -> None:
    source = open_source(tickets_db, user="ann", read_only=True)
    try:
        outcome = source.transition("A-2", "coder", "comment", "coder", "hi")
    finally:
        source.close()
    assert not outcome.ok and outcome.message.startswith("Read-only")

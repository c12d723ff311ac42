"""Writes on PostgreSQL: each action one transaction with its compare-and-set and audit
row, a lost race said, a row held by another writer waited for, a SELECT-only role
read-only by itself."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from ringmaster_tui.sources.base import Source
from ringmaster_tui.sources.registry import open_source
from tests.postgres.cluster import Cluster
from tests.postgres.compare import other_connection
from tests.postgres.data import pg_engine


@pytest.fixture
def board(board_url: str) -> Iterator[Source]:
    source = open_source(board_url, user="ann")
    yield source
    source.close()


@pytest.fixture
def sql(board_url: str) -> Iterator[Callable[..., list[Any]]]:
    with other_connection(board_url) as run:
        yield run


def _card(sql: Callable[..., list[Any]], title: str) -> tuple[str, str]:
    rows = sql("SELECT id, state FROM cards WHERE title = :t", t=title)
    return rows[0][0], rows[0][1]


def test_a_move_is_one_compare_and_set_with_its_audit_row(
    board: Source, sql: Callable[..., list[Any]]
) -> None:
    card_id, _ = _card(sql, "Write the plan")
    outcome = board.transition(card_id, "draft", "start_planning", "planning")
    assert outcome.ok, outcome.message
    assert _card(sql, "Write the plan")[1] == "planning"
    rows = sql("SELECT from_state, to_state, trigger, metadata FROM state_transitions")
    assert [(f, t, trig) for f, t, trig, _ in rows] == [("draft", "planning", "start_planning")]
    assert json.loads(rows[0][3])["by"] == "ann"
    stamped = sql("SELECT state_changed_at, updated_at FROM cards WHERE id = :i", i=card_id)[0]
    assert stamped[0] and stamped[1], "the move stamps the card as SQLite's trigger does"
    assert outcome.moved is not None
    assert board.undo(outcome.moved).ok
    assert _card(sql, "Write the plan")[1] == "draft"


def test_a_lost_race_writes_nothing_and_says_so(
    board: Source, sql: Callable[..., list[Any]]
) -> None:
    card_id, _ = _card(sql, "Review me")
    sql("UPDATE cards SET state = 'coding' WHERE id = :i", i=card_id)
    outcome = board.transition(card_id, "code_review", "approve_review", "testing")
    assert not outcome.ok
    assert "moved to coding meanwhile" in outcome.message
    assert sql("SELECT count(*) FROM state_transitions")[0][0] == 0


def test_alerts_errors_and_decisions_are_compare_and_set(
    board: Source, sql: Callable[..., list[Any]]
) -> None:
    alert_ids = [r[0] for r in sql("SELECT id FROM alerts WHERE acknowledged = 0 ORDER BY id")]
    error_id = sql("SELECT id FROM errors WHERE resolved = 0 ORDER BY id")[0][0]
    decision_id = sql("SELECT id FROM decisions WHERE status = 'pending' ORDER BY id")[0][0]
    assert board.acknowledge_alerts(alert_ids).changed == len(alert_ids) > 0
    assert not board.acknowledge_alerts(alert_ids).ok
    assert board.resolve_error(error_id).ok
    assert not board.resolve_error(error_id).ok
    sql("UPDATE decisions SET status = 'auto_resolved' WHERE id = :i", i=decision_id)
    lost = board.decide(decision_id, "postgresql", "go")
    assert not lost.ok and "settled meanwhile" in lost.message


def test_a_write_waits_for_a_row_another_writer_holds(
    board: Source, board_url: str, sql: Callable[..., list[Any]]
) -> None:
    card_id, _ = _card(sql, "Write the plan")
    holder = pg_engine(board_url)
    conn = holder.connect()
    held = conn.begin()
    conn.execute(sa.text("UPDATE cards SET priority = priority WHERE id = :i"), {"i": card_id})
    released = threading.Timer(0.5, held.commit)
    released.start()
    try:
        outcome = board.transition(card_id, "draft", "start_planning", "planning")
    finally:
        released.join()
        conn.close()
        holder.dispose()
    assert outcome.ok, outcome.message
    assert _card(sql, "Write the plan")[1] == "planning"


def test_a_select_only_role_reads_and_refuses_every_write(
    pg_cluster: Cluster,
    board_url: str,
    role: Callable[..., str],
    sql: Callable[..., list[Any]],
    tmp_path: Path,
) -> None:
    database = sa.make_url(board_url).database or ""
    name = role("watcher")
    pg_cluster.psql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {name}", database=database)
    source = open_source(pg_cluster.url(database, user=name, password="s3cret-Pass"), user="bo")
    try:
        assert not source.writable
        assert "SELECT only" in source.read_only_reason
        card_id, _ = _card(sql, "Write the plan")
        outcome = source.transition(card_id, "draft", "start_planning", "planning")
        assert not outcome.ok and "Read-only" in outcome.message
        assert _card(sql, "Write the plan")[1] == "draft"
    finally:
        source.close()

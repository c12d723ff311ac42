"""The ticket source (seed 001) on PostgreSQL, as on SQLite.

- The same rows make the same snapshots on both engines: the lanes derived from the
  plans, every view, filters (case beyond ASCII, LIKE's own characters), a project
  picked, short lanes and lists, and every ticket's detail and send-back targets.
- Each action is one compare-and-set transaction: it succeeds where the ticket is as the
  user saw it; where another connection changed it first, it is refused with the
  source's message and nothing is written; while it writes, the ticket's row is held.
- On a few tens of thousands of generated rows, ANALYZEd, no statement of the refresh
  path reads a large table by a sequential scan (the text filters are the exception, as
  on SQLite: LIKE '%word%' has no index).
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.engines import open_engine
from ringmaster_tui.sources.registry import create_source_database, open_source
from ringmaster_tui.sources.tickets.kind import TICKETS
from ringmaster_tui.sources.tickets.source import TicketsSource
from ringmaster_tui.sources.tickets.workflow import CLOSE, COMMENT, REOPEN, SEND_BACK
from tests.builders import NOW, ago
from tests.postgres.cluster import Cluster
from tests.postgres.compare import dumped, fresh_copy, other_connection, template_from_sqlite
from tests.postgres.data import database_digest, pg_engine
from tests.postgres.plans import (
    Statement,
    captured_selects,
    described,
    fill_and_analyze,
    large_seq_scans,
    one_line,
    table_sizes,
)
from tests.sources.tickets.builders import ALPHA_PLAN, TicketsBuilder, build_standard_tickets

VIEWS = frozenset({"loops", "problems", "events"})
TICKET_TABLES = ("tickets", "comments", "events", "workers")


def _pid_alive(pid: int) -> bool:
    """The same answer on both engines (a remote database's pids are not checked)."""
    return pid % 2 == 0


def _edge_rows(path: Path) -> None:
    """Rows beyond the standard board where engines could part: letters beyond ASCII,
    LIKE's own characters, equal times (ties), a comment of no stage, an empty reason."""
    b = TicketsBuilder(path)
    same = ago(minutes=90)
    b.ticket("C-1", "alpha", "Ärger mit Umlauten im Login", ALPHA_PLAN, "planner", updated_at=same)
    b.ticket("C-2", "alpha", "100% done_now \\ backslash", ALPHA_PLAN, "planner", updated_at=same)
    b.ticket("C-0", "alpha", "Same time as C-1", ALPHA_PLAN, "planner", updated_at=same)
    b.ticket("C-3", "beta", "Closed at the same time", ["coder"], "coder", closed_at=same)
    b.ticket("C-4", "beta", "Also closed then", ["coder"], "coder", closed_at=same)
    b.ticket("C-5", "beta", "Stalled for days", ["coder", "tester"], updated_at=ago(days=4))
    b.ticket("C-6", "beta", "Stalled as long", ["coder", "tester"], updated_at=ago(days=4))
    b.worker("coder-7", "alpha", "coder", "failed", "coder:C-1", last_activity=same, pid=42)
    b.worker("coder-8", "alpha", "coder", "failed", "coder:C-2", last_activity=same, pid=43)
    b.worker("coder-6", "alpha", "coder", "active", "coder:C-1", last_activity=same, pid=44)
    b.worker("coder-4", "alpha", "coder", "active", "coder:C-1", last_activity=same, pid=45)
    b.comment("C-1", "coder", "coder-7", 2, "Über-long thread: ÄÖÜ", created_at=same)
    b.insert("comments", ticket_id="C-1", content="no stage given", created_at=same)
    b.event("worker_stopped", ticket_id="C-1", worker_id="coder-7", stage="coder", created_at=same)
    b.event("worker_stopped", ticket_id="C-2", worker_id="coder-8", reason="", created_at=same)
    b.event("ticket_stage_completed", ticket_id="C-1", stage="planner", processed=1)
    b.close()


@pytest.fixture(scope="module")
def standard_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tickets-pg") / "standard.db"
    build_standard_tickets(path)
    _edge_rows(path)
    return path


@pytest.fixture(scope="module")
def tickets_template(pg_cluster: Cluster, standard_sqlite: Path) -> str:
    return template_from_sqlite(pg_cluster, "tk_template", TICKETS, standard_sqlite)


@pytest.fixture
def tickets_url(pg_cluster: Cluster, tickets_template: str) -> str:
    """A fresh copy of the standard board (and its edge rows) on PostgreSQL."""
    return fresh_copy(pg_cluster, "tk", tickets_template)


@pytest.fixture(scope="module")
def demo_template(pg_cluster: Cluster, demo_files: Callable[..., Path]) -> str:
    return template_from_sqlite(pg_cluster, "tk_demo", TICKETS, demo_files(TICKETS))


def _open(target: str | Path) -> TicketsSource:
    return TicketsSource(open_engine(target), "ann", pid_alive=_pid_alive, clock=lambda: NOW)


@pytest.fixture(params=["standard", "demo"])
def both(
    request: pytest.FixtureRequest,
    pg_cluster: Cluster,
    tmp_path: Path,
    demo_files: Callable[..., Path],
) -> Iterator[tuple[TicketsSource, TicketsSource]]:
    """The same rows as a SQLite file and a PostgreSQL database, a source on each."""
    if request.param == "standard":
        sqlite_file = request.getfixturevalue("standard_sqlite")
        template = request.getfixturevalue("tickets_template")
    else:
        sqlite_file = demo_files(TICKETS)
        template = request.getfixturevalue("demo_template")
    path = tmp_path / "tickets.db"
    shutil.copyfile(sqlite_file, path)
    url = fresh_copy(pg_cluster, "tk", template)
    lite, pg = _open(path), _open(url)
    yield lite, pg
    lite.close()
    pg.close()


def _queries(source: TicketsSource) -> list[BoardQuery]:
    first = source.snapshot(BoardQuery(lists=VIEWS), NOW)
    assert len(first.projects) >= 2
    lanes = [lane.name for lane in first.lanes if lane.count > 1]
    return [
        BoardQuery(lists=VIEWS),
        *(BoardQuery(lists=VIEWS, project_id=project.id) for project in first.projects[:3]),
        *(
            BoardQuery(lists=VIEWS, text=text)
            for text in ("login", "ÄRGER", "ärger", "a", "%", "_", "\\", "T-", "zzqx-none")
        ),
        BoardQuery(lists=VIEWS, text="o", project_id=first.projects[0].id),
        BoardQuery(lists=VIEWS, per_lane=1, lane_depths=tuple((lane, 2) for lane in lanes)),
        BoardQuery(lists=VIEWS, list_limit=3),
        *(
            BoardQuery(lists=VIEWS, view_text=((view, text),))
            for view in sorted(VIEWS)
            for text in ("coder", "ÜBER", "exited", "1", "%")
        ),
    ]


def test_the_lanes_come_from_the_plans_alike(both: tuple[TicketsSource, TicketsSource]) -> None:
    lite, pg = both
    assert pg.stages == lite.stages
    assert dumped(pg.workflow) == dumped(lite.workflow)


def test_the_same_data_makes_the_same_snapshots(
    both: tuple[TicketsSource, TicketsSource],
) -> None:
    lite, pg = both
    queries = _queries(lite)
    for query in queries:
        expected = lite.snapshot(query, NOW)
        assert dumped(pg.snapshot(query, NOW)) == dumped(expected), query
    # The comparisons compared something: cards, rows of every view, filters that found.
    full = lite.snapshot(queries[0], NOW)
    assert sum(lane.count for lane in full.lanes) >= 10
    assert all(full.tables[view].rows for view in VIEWS)


def _ticket_ids(source: TicketsSource) -> list[str]:
    with source.engine.read() as conn:
        found = conn.execute(sa.text("SELECT ticket_id FROM tickets ORDER BY ticket_id"))
        return [str(ticket_id) for ticket_id in found.scalars()]


def test_filters_fold_letters_beyond_ascii_and_take_like_characters_as_text(
    pg_cluster: Cluster, tickets_template: str
) -> None:
    name = pg_cluster.new_database("tk", template=tickets_template)
    source = _open(pg_cluster.url(name, password="postgres"))
    try:

        def found(text: str) -> list[str]:
            lanes = source.snapshot(BoardQuery(text=text), NOW).lanes
            return sorted(card.id for lane in lanes for card in lane.cards)

        assert found("ärger") == found("ÄRGER") == ["C-1"]
        assert found("%") == found("_") == found("\\") == ["C-2"]
    finally:
        source.close()


def test_every_ticket_opens_the_same_way(both: tuple[TicketsSource, TicketsSource]) -> None:
    lite, pg = both
    ids = _ticket_ids(lite)
    assert ids == _ticket_ids(pg)
    assert len(ids) >= 10
    for ticket_id in [*ids, "no-such-ticket"]:
        assert dumped(pg.card_detail(ticket_id, NOW)) == dumped(lite.card_detail(ticket_id, NOW))
        assert pg.move_targets(ticket_id, SEND_BACK) == lite.move_targets(ticket_id, SEND_BACK)


# --- writes ---


@pytest.fixture
def pg_source(tickets_url: str) -> Iterator[TicketsSource]:
    source = _open(tickets_url)
    yield source
    source.close()


@pytest.fixture
def sql(tickets_url: str) -> Iterator[Callable[..., list[Any]]]:
    """Another connection: the orchestrator's, writing as it pleases."""
    with other_connection(tickets_url) as run:
        yield run


def _ticket(sql: Callable[..., list[Any]], ticket_id: str) -> tuple[Any, ...]:
    rows = sql(
        "SELECT last_completed_stage, closed_at, updated_at FROM tickets WHERE ticket_id = :t",
        t=ticket_id,
    )
    return tuple(rows[0])


def _last_comment(sql: Callable[..., list[Any]], ticket_id: str) -> tuple[Any, ...]:
    rows = sql(
        "SELECT worker_type, worker_id, stage_number, content, created_at FROM comments "
        "WHERE ticket_id = :t ORDER BY id DESC LIMIT 1",
        t=ticket_id,
    )
    return tuple(rows[0])


STAMP = NOW.strftime("%Y-%m-%d %H:%M:%S")
# (ticket, the state the user saw, trigger, target, the ticket's row after it, its comment)
ACTIONS = {
    COMMENT: (
        "A-2",
        "coder",
        COMMENT,
        "coder",
        ("planner", None),
        ("human", "ann", 2, "Please add a test", STAMP),
    ),
    CLOSE: (
        "A-4",
        "Done",
        CLOSE,
        "Closed",
        ("tester", STAMP),
        ("human", "ann", 4, "Closed by ann: Please add a test", STAMP),
    ),
    REOPEN: (
        "A-5",
        "Closed",
        REOPEN,
        "reopened",
        ("tester", None),
        ("human", "ann", 4, "Reopened by ann: Please add a test", STAMP),
    ),
    SEND_BACK: (
        "A-3",
        "reviewer",
        SEND_BACK,
        "coder",
        ("planner", None),
        ("human", "ann", 2, "Sent back to coder by ann: Please add a test", STAMP),
    ),
}
# What the orchestrator did first, and where that left the ticket.
RACES = {
    COMMENT: (
        "UPDATE tickets SET last_completed_stage = 'coder' WHERE ticket_id = 'A-2'",
        "reviewer",
    ),
    CLOSE: (
        "UPDATE tickets SET closed_at = '2026-01-15 11:59:00' WHERE ticket_id = 'A-4'",
        "Closed",
    ),
    REOPEN: ("UPDATE tickets SET closed_at = NULL WHERE ticket_id = 'A-5'", "Done"),
    SEND_BACK: (
        "UPDATE tickets SET last_completed_stage = 'reviewer' WHERE ticket_id = 'A-3'",
        "tester",
    ),
}


@pytest.mark.parametrize("trigger", ACTIONS)
def test_an_action_is_one_compare_and_set_with_its_comment(
    pg_source: TicketsSource, sql: Callable[..., list[Any]], trigger: str
) -> None:
    ticket_id, seen, trig, target, after, comment = ACTIONS[trigger]
    before = sql("SELECT count(*) FROM comments")[0][0]
    outcome = pg_source.transition(ticket_id, seen, trig, target, "Please add a test")
    assert outcome.ok, outcome.message
    stage, closed_at, updated_at = _ticket(sql, ticket_id)
    assert (stage, closed_at) == after
    if trigger != COMMENT:
        assert updated_at == STAMP, "the ticket is stamped as the orchestrator stamps it"
    assert _last_comment(sql, ticket_id) == comment
    assert sql("SELECT count(*) FROM comments")[0][0] == before + 1


@pytest.mark.parametrize("trigger", ACTIONS)
def test_a_lost_race_is_refused_and_writes_nothing(
    pg_source: TicketsSource,
    sql: Callable[..., list[Any]],
    tickets_url: str,
    trigger: str,
) -> None:
    ticket_id, seen, trig, target, _, _ = ACTIONS[trigger]
    first, moved_to = RACES[trigger]
    sql(first)
    untouched = database_digest(tickets_url)
    outcome = pg_source.transition(ticket_id, seen, trig, target, "Please add a test")
    assert not outcome.ok
    assert f"moved to {moved_to} meanwhile (you saw {seen}); nothing was written" in (
        outcome.message
    )
    assert outcome.message.endswith("What you wrote: Please add a test")
    assert database_digest(tickets_url) == untouched


def test_the_ticket_is_held_while_an_action_writes(
    pg_source: TicketsSource, tickets_url: str, sql: Callable[..., list[Any]]
) -> None:
    """Between the action's read of the ticket and its comment, the orchestrator cannot
    move the ticket (its update waits for the action's commit): the comment's stage is
    the ticket's stage when it is written."""
    other = pg_engine(tickets_url)
    refused: list[str] = []

    def orchestrator_moves_it() -> None:
        try:
            with other.begin() as conn:
                conn.exec_driver_sql("SET LOCAL lock_timeout = '200ms'")
                conn.exec_driver_sql(
                    "UPDATE tickets SET last_completed_stage = 'coder' WHERE ticket_id = 'A-2'"
                )
        except sa.exc.OperationalError as exc:
            refused.append(type(exc.orig).__name__)

    def at_the_comment(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        if statement.startswith("INSERT INTO comments") and not refused:
            mover = threading.Thread(target=orchestrator_moves_it)
            mover.start()
            mover.join(timeout=30)

    engine = pg_source.engine.engine  # type: ignore[attr-defined]
    event.listen(engine, "before_cursor_execute", at_the_comment)
    try:
        outcome = pg_source.transition("A-2", "coder", COMMENT, "coder", "mind the token")
    finally:
        event.remove(engine, "before_cursor_execute", at_the_comment)
    assert outcome.ok, outcome.message
    assert refused == ["LockNotAvailable"]
    assert _last_comment(sql, "A-2")[2:4] == (2, "mind the token")
    orchestrator_moves_it()  # after the commit the row is free again
    assert _ticket(sql, "A-2")[0] == "coder"
    other.dispose()


def test_a_select_only_role_writes_nothing(
    pg_cluster: Cluster,
    tickets_url: str,
    role: Callable[..., str],
    sql: Callable[..., list[Any]],
) -> None:
    database = sa.make_url(tickets_url).database or ""
    name = role("ticket_watcher")
    pg_cluster.psql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {name}", database=database)
    source = open_source(pg_cluster.url(database, user=name, password="s3cret-Pass"), user="bo")
    try:
        assert not source.writable
        outcome = source.transition("A-4", "Done", CLOSE, "Closed", "shipped")
        assert not outcome.ok and outcome.message.startswith("Read-only:")
        assert _ticket(sql, "A-4")[1] is None
    finally:
        source.close()


# --- query plans ---

# A long-lived system's tickets: most closed, plans ordering six worker types differently
# by project, workers accumulating (one per stage run, most finished), events per stage.
# Made by the server itself (generate_series): a second, not a minute. Rows are stored in
# the order they were written, as an orchestrator writes them.
BULK_SQL = """
INSERT INTO projects (repository_name, path)
SELECT 'org/project-' || lpad(i::text, 2, '0'), '/srv/' || i FROM generate_series(0, 19) AS i;
INSERT INTO worker_types (project_id, worker_type, system_prompt)
SELECT 'org/project-' || lpad(p::text, 2, '0'), t, 'You are the ' || t
FROM generate_series(0, 19) AS p,
     unnest(ARRAY['planner','coder','reviewer','tester','security','docs']) AS t;
CREATE TEMP TABLE plans AS
SELECT k, ARRAY(SELECT (ARRAY['planner','coder','reviewer','tester','security','docs'])
                       [1 + (k * 5 + j * (1 + k % 4)) % 6]
                FROM generate_series(0, 1 + k % 4) AS j) AS stages
FROM generate_series(0, 59) AS k;
INSERT INTO tickets (ticket_id, project_id, title, execution_plan, last_completed_stage,
                     created_at, updated_at, closed_at)
SELECT 'T-' || lpad(i::text, 6, '0'), 'org/project-' || lpad((i % 20)::text, 2, '0'),
       'Ticket ' || i || ': ' || (ARRAY['fix','add','remove','speed up'])[1 + i % 4] || ' '
       || (ARRAY['billing','login','search','checkout','reports'])[1 + i % 5],
       array_to_json(p.stages)::text,
       CASE WHEN i % 3 = 0 THEN 'Planned'
            ELSE p.stages[1 + i % array_length(p.stages, 1)] END,
       to_char(timestamp '2026-01-01' + i * interval '30 seconds', 'YYYY-MM-DD HH24:MI:SS'),
       to_char(timestamp '2026-01-01' + i * interval '40 seconds', 'YYYY-MM-DD HH24:MI:SS'),
       CASE WHEN i % 5 <> 0 THEN
       to_char(timestamp '2026-01-01' + i * interval '40 seconds', 'YYYY-MM-DD HH24:MI:SS') END
FROM generate_series(1, 30000) AS i
JOIN plans AS p ON p.k = (i % 20) * 3 + (i / 20) % 3
ORDER BY i;
INSERT INTO comments (ticket_id, worker_type, worker_id, stage_number, content, created_at)
SELECT 'T-' || lpad((1 + i * 7 % 30000)::text, 6, '0'), 'coder', 'w-' || i % 25000, 1 + i % 5,
       'Worked on it, tests pass. ' || i,
       to_char(timestamp '2026-01-01' + i * interval '20 seconds', 'YYYY-MM-DD HH24:MI:SS')
FROM generate_series(1, 60000) AS i;
INSERT INTO workers (worker_id, project_id, worker_type, status, pid, queue_name, started_at,
                     last_activity)
SELECT 'w-' || i, 'org/project-' || lpad((i % 20)::text, 2, '0'),
       (ARRAY['planner','coder','reviewer','tester','security','docs'])[1 + i % 6],
       CASE WHEN i % 100 = 0 THEN 'active' WHEN i % 100 = 1 THEN 'failed'
            WHEN i % 100 = 2 THEN 'idle' ELSE 'finished' END,
       10000 + i, 'coder:T-' || lpad((1 + i % 30000)::text, 6, '0'),
       to_char(timestamp '2026-01-01' + i * interval '50 seconds', 'YYYY-MM-DD HH24:MI:SS'),
       to_char(timestamp '2026-01-01' + i * interval '55 seconds', 'YYYY-MM-DD HH24:MI:SS')
FROM generate_series(1, 25000) AS i;
INSERT INTO events (event_type, ticket_id, worker_id, stage, reason, created_at, processed)
SELECT CASE WHEN i % 7 = 0 THEN 'worker_stopped' ELSE 'ticket_stage_completed' END,
       'T-' || lpad((1 + i % 30000)::text, 6, '0'), 'w-' || i % 25000, 'coder',
       CASE WHEN i % 7 = 0 THEN 'exited with code 1' END,
       to_char(timestamp '2026-01-01' + i * interval '25 seconds', 'YYYY-MM-DD HH24:MI:SS'),
       i < 59950
FROM generate_series(1, 60000) AS i;
"""
# A sequential scan of a table this small is what the planner rightly prefers.
LARGE_ROWS = 20_000
PLAN_NOW = datetime.fromisoformat("2026-02-01T00:00:00+00:00")
REFRESH_QUERIES = {
    "board": BoardQuery(),
    "project": BoardQuery(project_id="org/project-03"),
    "views": BoardQuery(lists=VIEWS),
    "project-views": BoardQuery(lists=VIEWS, project_id="org/project-03"),
}


@pytest.fixture(scope="module")
def plans_url(pg_cluster: Cluster) -> str:
    url = pg_cluster.url(pg_cluster.new_database("tk_plans"), password="postgres")
    create_source_database(url, TICKETS)
    fill_and_analyze(
        url,
        BULK_SQL,
        "session_replication_role = replica",  # no FK checks
    )
    return url


@pytest.fixture
def plans_source(plans_url: str) -> Iterator[TicketsSource]:
    opened = open_source(plans_url, user="tester")
    assert isinstance(opened, TicketsSource)
    yield opened
    opened.close()


def _counts_every_row(statement: str) -> bool:
    """A view's total (`count(*)` of a whole table, no condition): it reads every row on
    either engine, SQLite through a covering index, PostgreSQL's planner rightly by the
    table (docs/tickets.md says so)."""
    return (
        re.fullmatch(r"SELECT count\(\*\) AS count_1 FROM (workers|events)", statement) is not None
    )


def _seq_scans(url: str, statements: list[Statement]) -> list[str]:
    """Each Seq Scan of a large table in the statements' plans, with its statement; the
    views' totals left out."""
    sizes = table_sizes(url)
    assert all(sizes[table] >= LARGE_ROWS for table in TICKET_TABLES), sizes
    explained = [(s, p) for s, p in statements if not _counts_every_row(one_line(s))]
    return described(large_seq_scans(url, explained, large_rows=LARGE_ROWS))


@pytest.mark.parametrize("query", REFRESH_QUERIES.values(), ids=REFRESH_QUERIES.keys())
def test_no_refresh_query_scans_a_large_table(
    plans_source: TicketsSource, plans_url: str, query: BoardQuery
) -> None:
    statements = captured_selects(plans_source, lambda: plans_source.snapshot(query, PLAN_NOW))
    assert len(statements) >= 5  # the capture saw the snapshot's queries
    assert _seq_scans(plans_url, statements) == []
    totals = [s for s, _ in statements if _counts_every_row(" ".join(s.split()))]
    assert len(totals) == ("loops" in query.lists) + ("events" in query.lists)


def test_opening_and_detail_read_by_key(plans_source: TicketsSource, plans_url: str) -> None:
    def open_some() -> None:
        for ticket_id in ("T-000007", "T-012345", "T-029999"):
            assert plans_source.card_detail(ticket_id, PLAN_NOW) is not None
            plans_source.move_targets(ticket_id, SEND_BACK)

    statements = captured_selects(plans_source, open_some)
    assert len(statements) >= 12
    assert _seq_scans(plans_url, statements) == []


def test_a_text_filter_is_the_one_scan(plans_source: TicketsSource, plans_url: str) -> None:
    statements = captured_selects(
        plans_source, lambda: plans_source.snapshot(BoardQuery(text="billing"), PLAN_NOW)
    )
    scans = _seq_scans(plans_url, statements)
    assert scans, "the filter's scan is seen by the check"
    assert all("Seq Scan on tickets" in scan and "lower(tickets.title)" in scan for scan in scans)

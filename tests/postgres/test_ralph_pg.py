"""The Ralph-Advanced source on PostgreSQL: the same data reads the same on both engines
(every view, filters, a project or a feature picked, every story's detail, a commit's
review); each write is one compare-and-set with its audit row, and a lost race writes
nothing; a database Ralph made itself, with real `timestamp` columns, reads and writes as
well; and the refresh path reads indexes on tens of thousands of ANALYZEd rows."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from ringmaster_tui.domain.snapshot import SHAPED_NOT_LISTED, BoardQuery
from ringmaster_tui.sources.base import Source
from ringmaster_tui.sources.ralph.kind import RALPH
from ringmaster_tui.sources.ralph.schema import schema_for
from ringmaster_tui.sources.registry import create_source_database, open_source
from tests.builders import NOW, ago
from tests.postgres.cluster import Cluster
from tests.postgres.compare import (
    dumped,
    fresh_copy,
    other_connection,
    source_database,
    sources_on_both,
    template_from_sqlite,
)
from tests.postgres.data import (
    copy_sqlite_into,
    database_digest,
    pg_engine,
    vacuum_until_all_visible,
)
from tests.postgres.plans import (
    Statement,
    captured_selects,
    described,
    large_seq_scans,
)
from tests.sources.plans import bench_generator
from tests.sources.ralph.ralph_db import build_ralph_db
from tests.sources.ralph.test_query_plans import LARGE_TABLES


def _edge_rows(path: Path) -> Path:
    """Rows where the engines differ unless told: NULL priorities and times, equal sort
    keys cut by a limit, project names in mixed case, letters beyond ASCII."""
    tie = ago(hours=6)
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "INSERT INTO projects (name, status, created_at) VALUES ('alpha tools', 'running', ?)",
            (tie,),
        )
        for n, (title, status, priority) in enumerate(
            (
                ("Ärger mit Umlauten", "pending", None),
                ("No priority either", "pending", None),
                ("Tied first", "pending", 1),
                ("Tied second", "pending", 1),
                ("Undated failure", "failed", None),
                ("Tied failure", "failed", 2),
                ("Another tied failure", "failed", 2),
            )
        ):
            conn.execute(
                "INSERT INTO stories (feature_id, story_id, repo, title, priority, status,"
                " dependencies, updated_at) VALUES (3, ?, 'mobile', ?, ?, ?, '[]', ?)",
                (f"US-1{n:02d}", title, priority, status, None if "Undated" in title else tie),
            )
        ids = [row[0] for row in conn.execute("SELECT id FROM stories ORDER BY id DESC LIMIT 3")]
        for story in ids:
            conn.execute(
                "INSERT INTO agent_executions (story_id, agent_name, started_at, status,"
                " error_message) VALUES (?, 'developer', ?, 'failed', 'Same second')",
                (story, tie),
            )
            conn.execute(
                "INSERT INTO agent_executions (story_id, agent_name, started_at, status)"
                " VALUES (?, 'developer', NULL, 'running')",
                (story,),
            )
            conn.execute(
                "INSERT INTO quality_gate_results (story_id, gate_name, status, timestamp)"
                " VALUES (?, 'qa', 'fail', ?)",
                (story, tie),
            )
            conn.execute(
                "INSERT INTO story_history (story_id, timestamp, action) VALUES (?, ?, 'tick')",
                (story, tie),
            )
            conn.execute(
                "INSERT INTO story_history (story_id, timestamp, action) VALUES (?, NULL, 'tock')",
                (story,),
            )
        conn.executemany(
            "INSERT INTO system_logs (timestamp, level, source, message) VALUES (?, 'ERROR', ?, ?)",
            [
                (tie, "worker", "Tied error one"),
                (tie, "worker", "Tied error two"),
                (None, "worker", "Undated error"),
            ],
        )
    return path


@pytest.fixture(scope="module")
def ralph_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _edge_rows(build_ralph_db(tmp_path_factory.mktemp("ralph") / "ralph.db"))


@pytest.fixture(scope="module")
def ralph_template(pg_cluster: Cluster, ralph_file: Path) -> str:
    return template_from_sqlite(pg_cluster, "ralph_template", RALPH, ralph_file)


@pytest.fixture
def ralph_pg(pg_cluster: Cluster, ralph_template: str) -> str:
    return fresh_copy(pg_cluster, "ralph", ralph_template)


@pytest.fixture
def ralph_sqlite(ralph_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "ralph.db"
    shutil.copyfile(ralph_file, path)
    return path


@pytest.fixture
def both(ralph_sqlite: Path, ralph_pg: str) -> Iterator[tuple[Source, Source]]:
    with sources_on_both(ralph_sqlite, ralph_pg) as pair:
        yield pair


def _queries(source: Source) -> list[BoardQuery]:
    views = {offer.view_id for offer in source.capabilities.views}
    lists = frozenset(views - SHAPED_NOT_LISTED)
    assert lists == {"loops", "problems"}
    return [
        BoardQuery(lists=lists),
        BoardQuery(lists=lists, text="us-00"),
        BoardQuery(lists=lists, text="ärger"),
        BoardQuery(lists=lists, text="[red]"),
        BoardQuery(lists=lists, project_id="project:1"),
        BoardQuery(lists=lists, project_id="feature:3", per_lane=1),
        BoardQuery(lists=lists, per_lane=1, list_limit=2),
        BoardQuery(lists=lists, view_text=(("loops", "A"), ("problems", "same"))),
        BoardQuery(lists=lists, view_text=(("problems", "ÄRGER"),)),
    ]


def _compare(lite: Source, pg: Source) -> None:
    for query in _queries(lite):
        assert dumped(pg.snapshot(query, NOW)) == dumped(lite.snapshot(query, NOW)), query


def test_the_same_data_makes_the_same_snapshots(both: tuple[Source, Source]) -> None:
    lite, pg = both
    snapshot = lite.snapshot(BoardQuery(), NOW)
    pending = next(lane for lane in snapshot.lanes if lane.name == "PENDING")
    # The edge rows are there: NULL priorities first (as SQLite sorts), ties by id.
    assert [card.title for card in pending.cards][:2] == [
        "Ärger mit Umlauten",
        "No priority either",
    ]
    loops = lite.snapshot(BoardQuery(lists=frozenset({"loops"})), NOW).tables["loops"]
    assert [row.cells["name"].text for row in loops.rows if row.id.startswith("project:")] == [
        "Shopfront",
        "alpha tools",
        "Field App",
    ]  # byte order: capitals first, as SQLite's BINARY collation
    _compare(lite, pg)


def test_the_same_stories_open_the_same_way(both: tuple[Source, Source]) -> None:
    lite, pg = both
    snapshot = lite.snapshot(BoardQuery(per_lane=100), NOW)
    cards = [card.id for lane in snapshot.lanes for card in lane.cards]
    assert len(cards) == 16
    reviews: list[str] = []
    for card_id in cards:
        detail = lite.card_detail(card_id, NOW)
        assert detail is not None
        assert dumped(pg.card_detail(card_id, NOW)) == dumped(detail), card_id
        reviews.extend(i for section in detail.sections for i in section.review_ids)
    assert reviews
    for review in reviews:
        assert dumped(pg.attempt_review(review)) == dumped(lite.attempt_review(review))


def test_a_database_sorting_by_language_reads_the_same(
    pg_cluster: Cluster, ralph_file: Path, ralph_sqlite: Path
) -> None:
    """Under a language's collation ('alpha' before 'Shopfront') the projects still come
    in SQLite's byte order."""
    name = f"ralph_icu_{uuid.uuid4().hex[:8]}"
    pg_cluster.psql(
        f"CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"
        " LOCALE 'C.UTF-8'"
    )
    url = pg_cluster.url(name, password="postgres")
    create_source_database(url, RALPH)
    copy_sqlite_into(ralph_file, url)
    engine = pg_engine(url)
    with engine.connect() as conn:
        by_language = conn.exec_driver_sql(
            "SELECT name FROM projects WHERE status = 'running' ORDER BY name"
        ).scalars()
        assert list(by_language) == ["alpha tools", "Shopfront"]
    engine.dispose()
    lite = open_source(ralph_sqlite, user="ann")
    pg = open_source(url, user="ann")
    try:
        _compare(lite, pg)
    finally:
        lite.close()
        pg.close()


# --- writes ---


@pytest.fixture
def pg_source(ralph_pg: str) -> Iterator[Source]:
    source = open_source(ralph_pg, user="ann")
    yield source
    source.close()


@pytest.fixture
def sql(ralph_pg: str) -> Iterator[Callable[..., list[Any]]]:
    with other_connection(ralph_pg) as run:
        yield run


def _story(sql: Callable[..., list[Any]], story_id: str, feature: int) -> str:
    rows = sql(
        "SELECT id FROM stories WHERE story_id = :s AND feature_id = :f", s=story_id, f=feature
    )
    return str(rows[0][0])


def _status(sql: Callable[..., list[Any]], pk: str) -> str:
    return str(sql("SELECT status FROM stories WHERE id = :i", i=int(pk))[0][0])


def _history(sql: Callable[..., list[Any]], pk: str) -> list[Any]:
    return sql(
        "SELECT action, agent, notes, metadata, timestamp FROM story_history"
        " WHERE story_id = :i AND agent = 'ann' ORDER BY id",
        i=int(pk),
    )


SQLITE_STAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


@pytest.mark.parametrize(
    ("story", "feature", "seen", "trigger", "to", "note"),
    [
        ("US-002", 1, "review", "approve", "testing", None),
        ("US-002", 2, "testing", "send_back", "rework", "Filters ignore case"),
        ("US-004", 1, "failed", "retry", "pending", None),
    ],
)
def test_each_story_move_is_a_compare_and_set_with_its_history_row(
    pg_source: Source,
    sql: Callable[..., list[Any]],
    story: str,
    feature: int,
    seen: str,
    trigger: str,
    to: str,
    note: str | None,
) -> None:
    pk = _story(sql, story, feature)
    outcome = pg_source.transition(pk, seen, trigger, to, note=note)
    assert outcome.ok, outcome.message
    assert _status(sql, pk) == to
    ((action, agent, notes, metadata, stamp),) = _history(sql, pk)
    assert (action, agent, notes) == (trigger, "ann", note)
    assert json.loads(metadata)["from"] == seen and json.loads(metadata)["to"] == to
    # Stamped in the text SQLite writes, so it sorts with the orchestrator's own rows.
    assert SQLITE_STAMP.match(stamp), stamp
    (updated,) = sql("SELECT updated_at FROM stories WHERE id = :i", i=int(pk))[0]
    assert SQLITE_STAMP.match(updated), updated


def test_a_story_moved_meanwhile_is_refused_and_nothing_written(
    pg_source: Source, sql: Callable[..., list[Any]], ralph_pg: str
) -> None:
    pk = _story(sql, "US-002", 1)
    pg_source.snapshot(BoardQuery(), NOW)  # the user saw it in review
    sql("UPDATE stories SET status = 'rework' WHERE id = :i", i=int(pk))
    before = database_digest(ralph_pg)
    outcome = pg_source.transition(pk, "review", "approve", "testing")
    assert not outcome.ok
    assert "is rework now (you saw review); nothing was written." in outcome.message
    assert database_digest(ralph_pg) == before


def test_pause_and_resume_a_project_with_its_system_log(
    pg_source: Source, sql: Callable[..., list[Any]]
) -> None:
    assert pg_source.act("loops", "pause", [("project:1", "running")]).ok
    assert sql("SELECT status FROM projects WHERE id = 1")[0][0] == "paused"
    source_name, message, metadata, stamp = sql(
        "SELECT source, message, metadata, timestamp FROM system_logs ORDER BY id DESC LIMIT 1"
    )[0]
    assert source_name == "ringmaster-tui" and "paused" in message
    assert json.loads(metadata)["user"] == "ann"
    assert SQLITE_STAMP.match(stamp), stamp
    assert pg_source.act("loops", "resume", [("project:1", "paused")]).ok
    assert sql("SELECT status FROM projects WHERE id = 1")[0][0] == "running"
    assert sql("SELECT count(*) FROM system_logs WHERE source = 'ringmaster-tui'")[0][0] == 2


def test_a_project_changed_meanwhile_is_refused_and_nothing_written(
    pg_source: Source, sql: Callable[..., list[Any]], ralph_pg: str
) -> None:
    sql("UPDATE projects SET status = 'completed' WHERE id = 1")
    before = database_digest(ralph_pg)
    outcome = pg_source.act("loops", "pause", [("project:1", "running")])
    assert not outcome.ok
    assert "no longer running (changed meanwhile); nothing was written." in outcome.message
    assert database_digest(ralph_pg) == before


# --- a database Ralph made itself on PostgreSQL: TIMESTAMP columns, as the seed declares ---

_TIME_COLUMNS = r"(created_at|updated_at|started_at|completed_at|timestamp|last_login)"


def _with_timestamp_columns(script: str) -> str:
    """The schema with each time column a real `timestamp` defaulting to CURRENT_TIMESTAMP."""
    script = re.sub(
        rf"\b{_TIME_COLUMNS} text DEFAULT \(to_char\([^()]*\([^()]*\)[^()]*\)\)",
        r"\1 timestamp DEFAULT CURRENT_TIMESTAMP",
        script,
    )
    return re.sub(rf"\b{_TIME_COLUMNS} text\b", r"\1 timestamp", script)


def test_a_database_with_timestamp_columns_reads_and_writes_the_same(
    pg_cluster: Cluster, ralph_sqlite: Path
) -> None:
    script = _with_timestamp_columns(schema_for("postgresql"))
    assert (
        "timestamp DEFAULT CURRENT_TIMESTAMP" in script and " text DEFAULT (to_char" not in script
    )
    url = pg_cluster.url(pg_cluster.new_database("ralph_ts"), password="postgres")
    engine = pg_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(script)
        assert (
            conn.exec_driver_sql(
                "SELECT data_type FROM information_schema.columns"
                " WHERE table_name = 'stories' AND column_name = 'updated_at'"
            ).scalar()
            == "timestamp without time zone"
        )
    copy_sqlite_into(ralph_sqlite, url)
    lite = open_source(ralph_sqlite, user="ann")
    pg = open_source(url, user="ann")
    try:
        assert pg.kind == "ralph"
        _compare(lite, pg)
        for card_id in ("1", "2", "6"):
            assert dumped(pg.card_detail(card_id, NOW)) == dumped(lite.card_detail(card_id, NOW))
        assert pg.transition("2", "review", "approve", "testing").ok
        assert pg.act("loops", "pause", [("project:1", "running")]).ok
    finally:
        lite.close()
        pg.close()
    with engine.connect() as conn:
        status, updated = conn.exec_driver_sql(
            "SELECT status, updated_at FROM stories WHERE id = 2"
        ).one()
        stamped = conn.exec_driver_sql(
            "SELECT timestamp FROM story_history WHERE agent = 'ann'"
        ).scalar()
    engine.dispose()
    assert status == "testing"
    assert updated.year >= 2026 and stamped.microsecond == 0  # a timestamp, to the second


# --- query plans ---

# A sequential scan of a table this small is what the planner rightly prefers.
LARGE_ROWS = 5_000
LISTS = frozenset({"loops", "problems"})
REFRESH_QUERIES = {
    "plain": BoardQuery(lists=LISTS),
    "feature": BoardQuery(project_id="feature:7", lists=LISTS),
    "project": BoardQuery(project_id="project:1", lists=LISTS),
    "deep-lanes": BoardQuery(per_lane=200, lists=LISTS),
    # A problems filter matches each failed run's and gate's story id too: looked up by
    # key per failed row, not by reading every story.
    "view-filters": BoardQuery(
        lists=LISTS, view_text=(("loops", "project"), ("problems", "tests"))
    ),
    "problems-story-filter": BoardQuery(lists=LISTS, view_text=(("problems", "us-00"),)),
}


@pytest.fixture(scope="module")
def plans_url(pg_cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> str:
    """20,000 stories, 40,000 history rows and executions (bench/ralph_bench.py's data),
    copied to PostgreSQL and VACUUM ANALYZEd, as autovacuum keeps a server's tables."""
    path = tmp_path_factory.mktemp("ralph-plans") / "medium.db"
    bench_generator("ralph_bench.py")(path, stories=20_000, history=40_000, now=NOW)
    url = source_database(pg_cluster, "ralph_plans", RALPH)
    copied = copy_sqlite_into(path, url)
    assert copied["stories"] == 20_000 and copied["agent_executions"] == 40_000
    vacuum_until_all_visible(url, {"stories"}, attempts=100)
    return url


@pytest.fixture(scope="module")
def plans_source(plans_url: str) -> Iterator[Source]:
    opened = open_source(plans_url, user="tester")
    yield opened
    opened.close()


def _seq_scans(url: str, statements: list[Statement]) -> list[str]:
    return described(
        large_seq_scans(url, statements, large_rows=LARGE_ROWS, large_tables=LARGE_TABLES)
    )


@pytest.mark.parametrize("query", REFRESH_QUERIES.values(), ids=REFRESH_QUERIES.keys())
def test_no_refresh_query_scans_a_large_table(
    plans_source: Source, plans_url: str, query: BoardQuery
) -> None:
    statements = captured_selects(plans_source, lambda: plans_source.snapshot(query, NOW))
    assert len(statements) > 10  # the capture saw the snapshot's queries
    assert _seq_scans(plans_url, statements) == []


def test_a_story_detail_reads_by_key(plans_source: Source, plans_url: str) -> None:
    snapshot = plans_source.snapshot(BoardQuery(lists=frozenset()), NOW)
    card = next(c for lane in snapshot.lanes for c in lane.cards)
    statements = captured_selects(plans_source, lambda: plans_source.card_detail(card.id, NOW))
    assert len(statements) >= 8
    assert _seq_scans(plans_url, statements) == []


def test_the_text_filter_is_the_one_scan(plans_source: Source, plans_url: str) -> None:
    """Words anywhere in a title: no index helps, on either engine; the check above would
    say so."""
    statements = captured_selects(
        plans_source, lambda: plans_source.snapshot(BoardQuery(text="billing"), NOW)
    )
    assert any("Seq Scan on stories" in scan for scan in _seq_scans(plans_url, statements))

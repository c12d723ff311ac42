"""The episodic memory store (seed 004) on PostgreSQL, as on SQLite.

- The same data gives the same snapshots on both engines: every view, filtered (in any
  case, beyond ASCII, with LIKE's own characters), in one domain, archived shown, the
  patterns by usage; and the same episode details. The store is the episodes tests'
  standard one plus the rows where engines differ unless told: NULL times (PostgreSQL
  sorts NULLs first in a descending order, SQLite last), NULL usage, equal sort keys,
  booleans (0/1 in SQLite, true/false here), a context with `%` and `_`, non-ASCII text.
- Each write action on PostgreSQL: its compare-and-set succeeds and records who did it;
  a lost race (another connection changed the episode first, or while the action waited
  for its row) is refused with the source's message and changes nothing.
- On tens of thousands of generated, ANALYZEd rows, the refresh path's statements and a
  detail's read no large table by a sequential scan (EXPLAIN, as test_query_plans.py).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from ringmaster_tui.domain.outcome import Outcome
from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.engines import open_engine
from ringmaster_tui.sources.episodes.kind import EPISODES
from ringmaster_tui.sources.episodes.sim.simulator import run_simulation
from ringmaster_tui.sources.episodes.source import EpisodesSource
from ringmaster_tui.sources.registry import open_source
from tests.builders import NOW
from tests.postgres.cluster import Cluster
from tests.postgres.compare import (
    dumped_rounded,
    fresh_copy,
    other_connection,
    template_from_sqlite,
)
from tests.postgres.data import database_digest, pg_engine
from tests.postgres.plans import (
    Statement,
    captured_selects,
    described,
    generated_database,
    lane_counts_and_counting,
    large_seq_scans,
    rewrite_every_row,
)
from tests.sources.episodes.builders import EpisodeBuilder, ago, build_standard_store
from tests.sources.episodes.test_query_plans import LARGE_TABLES

LISTS = frozenset({"loops", "patterns", "problems"})


def build_store(path: Path) -> Path:
    """The standard store and the rows the engines would read differently unless told."""
    build_standard_store(path)
    b = EpisodeBuilder(path)
    # No start time: sorted by an explicit NULLS rule on both engines.
    b.episode("e-nostart", "auth", "Started who knows when", created_at=None)
    b.steps("e-nostart", "+?")
    # The same start as e-quiet (a tie broken by id), and LIKE's own characters.
    b.episode("e-tie", "billing", "Charge 50% of the plan_price", created_at=ago(hours=1))
    # Failed without an end; failed steps without a time and at the same time.
    b.episode("e-noend", "billing", "Ärger mit dem Straßen-Import", "failed", completed_at=None)
    b.insert(
        "steps",
        id="e-noend-s1",
        episode_id="e-noend",
        step_number=1,
        action="import streets",
        result="UnicodeError",
        success=0,
        timestamp=None,
    )
    for n in (2, 3):
        b.insert(
            "steps",
            id=f"e-noend-s{n}",
            episode_id="e-noend",
            step_number=n,
            action=f"retry {n}",
            result="UnicodeError again",
            duration_ms=None,
            success=0,
            timestamp=ago(minutes=45),
        )
    b.pattern("p-unused", "optimization", {"domain": "auth", "hint": "batch"}, usage_count=None)
    b.pattern("p-auth2", "tool_sequence", {"domain": "AUTH", "sequence": []}, success_rate=0.92)
    b.close()
    return path


@pytest.fixture(scope="module")
def store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("episodes-pg") / "store.db")


@pytest.fixture(scope="module")
def store_template(pg_cluster: Cluster, store_file: Path) -> str:
    return template_from_sqlite(pg_cluster, "ep_template", EPISODES, store_file)


@pytest.fixture
def store_url(pg_cluster: Cluster, store_template: str) -> str:
    return fresh_copy(pg_cluster, "ep", store_template)


def _open(target: str | Path, user: str = "ann") -> EpisodesSource:
    return EpisodesSource(open_engine(target), user, clock=lambda: NOW)


@pytest.fixture
def both(store_file: Path, store_url: str) -> Iterator[tuple[EpisodesSource, EpisodesSource]]:
    lite, pg = _open(store_file), _open(store_url)
    yield lite, pg
    lite.close()
    pg.close()


def _texts(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((view, text) for view in sorted(LISTS))


QUERIES = {
    "all": BoardQuery(lists=LISTS),
    "archived": BoardQuery(lists=LISTS, show_archived=True),
    "by-usage": BoardQuery(lists=LISTS, view_flags=frozenset({"patterns.usage"})),
    "domain": BoardQuery(lists=LISTS, project_id="billing"),
    "domain-filtered": BoardQuery(
        lists=LISTS, project_id="auth", text="LOGIN", view_text=_texts("login")
    ),
    "upper-case": BoardQuery(lists=LISTS, text="AUTH", view_text=_texts("AUTH")),
    "beyond-ascii": BoardQuery(lists=LISTS, text="ärger", view_text=_texts("ÄRGER MIT")),
    "like-characters": BoardQuery(lists=LISTS, text="50%", view_text=_texts("plan_")),
    "one-letter": BoardQuery(lists=LISTS, text="a", view_text=_texts("e")),
    "short-lanes": BoardQuery(lists=LISTS, per_lane=2, list_limit=3),
}


def test_the_same_data_makes_the_same_snapshots(
    both: tuple[EpisodesSource, EpisodesSource],
) -> None:
    lite, pg = both
    assert pg.engine.kind == "postgresql"
    for name, query in QUERIES.items():
        on_sqlite = lite.snapshot(query, NOW)
        assert dumped_rounded(pg.snapshot(query, NOW)) == dumped_rounded(on_sqlite), name
    # The comparisons saw what they were meant to: every view has rows, and the filters
    # and the NULL rows took part.
    full = lite.snapshot(QUERIES["all"], NOW)
    assert all(full.tables[view].rows for view in LISTS)
    assert full.unavailable == ()
    active = next(lane for lane in full.lanes if lane.name == "ACTIVE")
    assert active.cards[0].id == "e-nostart", "no start time: first, by the NULLS rule"
    failed = lite.snapshot(QUERIES["beyond-ascii"], NOW)
    assert [card.id for lane in failed.lanes for card in lane.cards] == ["e-noend"]
    assert {row.card_id for row in failed.tables["problems"].rows} == {"e-noend"}
    assert [
        card.id
        for lane in lite.snapshot(QUERIES["like-characters"], NOW).lanes
        for card in lane.cards
    ] == ["e-tie"]


def test_the_same_episodes_open_the_same_way(
    both: tuple[EpisodesSource, EpisodesSource],
) -> None:
    lite, pg = both
    snapshot = lite.snapshot(BoardQuery(show_archived=True, lists=frozenset()), NOW)
    ids = [card.id for lane in snapshot.lanes for card in lane.cards]
    assert len(ids) >= 10
    for episode_id in ids:
        on_sqlite = lite.card_detail(episode_id, NOW)
        assert on_sqlite is not None
        assert dumped_rounded(pg.card_detail(episode_id, NOW)) == dumped_rounded(on_sqlite), (
            episode_id
        )
    assert pg.card_detail("no-such-episode", NOW) is None


def test_the_schema_on_postgresql_is_healthy_and_has_no_fts(store_url: str) -> None:
    source = open_source(store_url, user="ann")
    try:
        assert source.kind == "episodes"
        report = source.health()
        assert report.healthy, report
        assert "episodes_fts" not in source.engine.table_names()
        assert "episodes_fts" not in source.schema_ddl()
        assert "bytea" in source.schema_ddl()
    finally:
        source.close()


def test_the_simulated_agent_writes_to_postgresql_and_the_views_follow(store_url: str) -> None:
    source = _open(store_url)
    try:
        before = source.snapshot(BoardQuery(lists=LISTS), NOW)
        report = run_simulation(store_url, rate=1000, steps_to_make=200, seed=3)
        assert report.changes == 200 and report.counts["step"] > 50
        after = source.snapshot(BoardQuery(lists=LISTS), NOW)
        assert sum(after.states.values()) > sum(before.states.values())
    finally:
        source.close()


# --- writes: compare-and-set on PostgreSQL ---


@pytest.fixture
def pg(store_url: str) -> Iterator[EpisodesSource]:
    source = _open(store_url)
    yield source
    source.close()


@pytest.fixture
def sql(store_url: str) -> Iterator[Callable[..., list[Any]]]:
    with other_connection(store_url) as run:
        yield run


def _episode(sql: Callable[..., list[Any]], episode_id: str) -> Any:
    return sql("SELECT status, completed_at, metadata FROM episodes WHERE id = :i", i=episode_id)[0]


def test_archive_is_compare_and_set_and_records_who(
    pg: EpisodesSource, sql: Callable[..., list[Any]]
) -> None:
    outcome = pg.transition("e-vat", "failed", "archive", "archived", note="seen it")
    assert outcome.ok and outcome.changed == 1, outcome.message
    row = _episode(sql, "e-vat")
    assert row.status == "archived"
    recorded = json.loads(row.metadata)
    assert recorded["archived_by"] == "ann"
    assert recorded["ringmaster_tui"][0]["note"] == "seen it"
    # Through the problems view's row action as well, on the other failed episode.
    assert pg.act("problems", "archive", [("e:e-noend", "failed")]).ok
    assert _episode(sql, "e-noend").status == "archived"


def test_mark_failed_is_compare_and_set_and_checks_the_stall(
    pg: EpisodesSource, sql: Callable[..., list[Any]], store_url: str
) -> None:
    outcome = pg.transition("e-stuck", "active", "mark_failed", "failed", note="loop died")
    assert outcome.ok, outcome.message
    row = _episode(sql, "e-stuck")
    assert row.status == "failed" and row.completed_at == "2026-01-15 12:00:00"
    assert json.loads(row.metadata)["failed_by"] == "ann"
    # From the live view's step row of a stalled episode with no steps but its start.
    assert pg.act("loops", "mark_failed", [("e:e-quiet", "stalled")]).ok
    assert _episode(sql, "e-quiet").status == "failed"
    # A live one is refused inside the write, and nothing changes.
    before = database_digest(store_url)
    refused = pg.transition("e-login", "active", "mark_failed", "failed")
    assert not refused.ok and "its last step was 1m ago" in refused.message
    assert database_digest(store_url) == before


def test_a_race_lost_before_the_write_is_refused_and_changes_nothing(
    pg: EpisodesSource, sql: Callable[..., list[Any]], store_url: str
) -> None:
    sql("UPDATE episodes SET status = 'completed' WHERE id = 'e-stuck'")
    sql("UPDATE episodes SET status = 'archived' WHERE id = 'e-vat'")
    before = database_digest(store_url)
    lost = pg.transition("e-stuck", "active", "mark_failed", "failed")
    assert not lost.ok
    assert lost.message == "The episode is completed now (you saw it active); nothing was written."
    lost = pg.act("problems", "archive", [("e:e-vat", "failed")])
    assert not lost.ok and "is archived now (you saw it failed)" in lost.message
    assert database_digest(store_url) == before


def _while_held(store_url: str, change: str, action: Callable[[], Outcome]) -> Outcome:
    """`action` run while another connection holds the episode's row with `change`
    written but not committed; committed once the action waits for the row."""
    holder = pg_engine(store_url)
    conn = holder.connect()
    held = conn.begin()
    conn.execute(sa.text(change))
    outcome: list[Outcome] = []
    worker = threading.Thread(target=lambda: outcome.append(action()))
    worker.start()
    try:
        waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        with holder.connect() as watch:
            for _ in range(2000):  # until the action's UPDATE waits for the held row
                found = watch.execute(sa.text(waiting)).scalar()
                watch.rollback()  # the activity view is read once per transaction
                if found:
                    break
                threading.Event().wait(0.01)
            else:
                raise AssertionError("the action never waited for the held row")
        held.commit()
    finally:
        worker.join(30)
        conn.close()
        holder.dispose()
    assert outcome, "the action did not finish"
    return outcome[0]


def test_a_race_lost_while_waiting_for_the_row_is_refused(
    pg: EpisodesSource, sql: Callable[..., list[Any]], store_url: str
) -> None:
    outcome = _while_held(
        store_url,
        "UPDATE episodes SET status = 'completed', metadata = '{\"by\": \"agent\"}' "
        "WHERE id = 'e-stuck'",
        lambda: pg.transition("e-stuck", "active", "mark_failed", "failed"),
    )
    assert not outcome.ok
    assert outcome.message == (
        "The episode is completed now (you saw it active); nothing was written."
    )
    row = _episode(sql, "e-stuck")
    assert (row.status, row.metadata, row.completed_at) == ("completed", '{"by": "agent"}', None)


def test_metadata_written_meanwhile_is_kept_not_overwritten(
    pg: EpisodesSource, sql: Callable[..., list[Any]], store_url: str
) -> None:
    outcome = _while_held(
        store_url,
        "UPDATE episodes SET metadata = '{\"agent\": \"says hi\"}' WHERE id = 'e-vat'",
        lambda: pg.transition("e-vat", "failed", "archive", "archived"),
    )
    assert outcome.ok, outcome.message
    recorded = json.loads(_episode(sql, "e-vat").metadata)
    assert recorded["agent"] == "says hi" and recorded["archived_by"] == "ann"


# --- the refresh path reads indexes on PostgreSQL too ---

# A store's months, made by the server itself (generate_series): of every 100 episodes 1
# active, 70 completed, 20 failed, 9 archived, in 40 domains; 4 steps an episode, one in
# ten failed; an embedding for every other episode. Patterns are a few thousand (one per
# kind of situation learned), read whole by their view and not counted as large here.
BULK_SQL = """
INSERT INTO episodes (id, task_type, domain, context, status, success_rate, created_at,
                      completed_at, metadata)
SELECT 'e' || i, (ARRAY['debugging','testing','refactoring','analysis'])[1 + i % 4],
       'domain-' || (i % 40), 'episode ' || i || ' about the login flow',
       CASE WHEN i % 100 = 0 THEN 'active' WHEN i % 100 < 71 THEN 'completed'
            WHEN i % 100 < 91 THEN 'failed' ELSE 'archived' END,
       (i % 100) / 100.0,
       to_char(timestamp '2026-01-01' + i * interval '1 minute', 'YYYY-MM-DD HH24:MI:SS'),
       CASE WHEN i % 100 <> 0 THEN to_char(timestamp '2026-01-01' + i * interval '1 minute'
            + interval '20 minutes', 'YYYY-MM-DD HH24:MI:SS') END,
       '{"agent": "bulk"}'
FROM generate_series(1, 40000) AS i;
INSERT INTO steps (id, episode_id, step_number, action, result, duration_ms, success, timestamp)
SELECT 's' || i, 'e' || (i / 4 + 1), i % 4 + 1, 'run step ' || i, 'result ' || i, i % 5000,
       CASE WHEN i % 10 = 0 THEN false WHEN i % 97 = 0 THEN NULL ELSE true END,
       to_char(timestamp '2026-01-01' + (i / 4 + 1) * interval '1 minute'
               + (i % 4) * interval '5 minutes', 'YYYY-MM-DD HH24:MI:SS')
FROM generate_series(0, 159999) AS i;
INSERT INTO embeddings (id, episode_id, content, embedding, model_name)
SELECT 'm' || i, 'e' || (2 * i), 'chunk ' || i, '\\x00010203'::bytea,
       (ARRAY['text-embedding-3-small','nomic-embed-text'])[1 + i % 2]
FROM generate_series(1, 20000) AS i;
INSERT INTO patterns (id, pattern_type, pattern_data, success_rate, usage_count, last_used)
SELECT 'p' || i,
       (ARRAY['tool_sequence','error_resolution','optimization','testing_strategy'])[1 + i % 4],
       '{"domain": "domain-' || (i % 40) || '", "n": ' || i || '}', (i % 100) / 100.0, i % 50,
       to_char(timestamp '2026-01-01' + i * interval '7 minutes', 'YYYY-MM-DD HH24:MI:SS')
FROM generate_series(1, 3000) AS i;
"""
LARGE_ROWS = 20_000

PLAN_QUERIES = {
    "board": BoardQuery(lists=frozenset()),
    "domain": BoardQuery(project_id="domain-3", lists=frozenset()),
    "archived": BoardQuery(show_archived=True, lists=frozenset()),
    "lists": BoardQuery(lists=LISTS),
    "lists-by-usage": BoardQuery(lists=LISTS, view_flags=frozenset({"patterns.usage"})),
    "lists-in-a-domain": BoardQuery(project_id="domain-3", lists=LISTS),
}


@pytest.fixture(scope="module")
def bulk_url(pg_cluster: Cluster) -> str:
    return generated_database(pg_cluster, "ep_plans", EPISODES, BULK_SQL)


@pytest.fixture
def bulk(bulk_url: str) -> Iterator[EpisodesSource]:
    source = _open(bulk_url)
    yield source
    source.close()


def _large_scans(url: str, statements: list[Statement]) -> list[str]:
    """Each sequential scan of a large table in the statements' plans, with its statement."""
    return described(
        large_seq_scans(url, statements, large_rows=LARGE_ROWS, large_tables=LARGE_TABLES)
    )


@pytest.mark.parametrize("query", PLAN_QUERIES.values(), ids=PLAN_QUERIES.keys())
def test_no_refresh_query_scans_a_large_table(
    bulk: EpisodesSource, bulk_url: str, query: BoardQuery
) -> None:
    statements = captured_selects(bulk, lambda: bulk.snapshot(query, NOW))
    assert len(statements) >= 5  # the capture saw the snapshot's queries
    assert _large_scans(bulk_url, statements) == []


def test_the_detail_reads_by_key(bulk: EpisodesSource, bulk_url: str) -> None:
    statements = captured_selects(bulk, lambda: bulk.card_detail("e39000", NOW))
    assert len(statements) >= 5
    assert _large_scans(bulk_url, statements) == []


def test_a_text_filter_is_the_one_scan(bulk: EpisodesSource, bulk_url: str) -> None:
    statements = captured_selects(bulk, lambda: bulk.snapshot(BoardQuery(text="login"), NOW))
    # The check sees a scan where there is one: a substring filter reads every episode.
    assert any("Seq Scan on episodes" in scan for scan in _large_scans(bulk_url, statements))


def test_episodes_not_yet_vacuumed_are_counted_in_one_pass(pg_cluster: Cluster) -> None:
    """As for Ringmaster's cards: per-status index ranges on a vacuumed table, one GROUP BY
    pass once the table is mostly rewritten; the same counts either way."""
    url = generated_database(pg_cluster, "ep_counts", EPISODES, BULK_SQL)
    vacuumed, counted_vacuumed = lane_counts_and_counting(url, "episodes")
    assert "present_statuses" in counted_vacuumed

    rewrite_every_row(url, "episodes", "success_rate")
    rewritten, counted_rewritten = lane_counts_and_counting(url, "episodes")
    assert "GROUP BY episodes.status" in counted_rewritten
    assert "present_statuses" not in counted_rewritten
    assert rewritten == vacuumed
    assert sum(vacuumed.values()) > 1_000

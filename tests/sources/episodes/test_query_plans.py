"""Every query an episodes refresh or detail runs reads an index: none scans a large
table row by row. The statements are captured as real snapshots of a generated store
run, then each one's EXPLAIN QUERY PLAN is read (as tests/test_query_plans.py does for
Ringmaster). Without ANALYZE statistics SQLite's plans do not depend on row counts, so a
medium store shows what a big one gets.

A text filter is the exception, and said so: LIKE '%text%' cannot use an index, so
filtering reads the episodes (or patterns) of the lanes it narrows.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.engines import open_engine
from ringmaster_tui.sources.episodes.source import EpisodesSource
from tests.builders import NOW
from tests.sources.plans import (
    Statement,
    bench_generator,
    sqlite_plan_steps,
    sqlite_selects,
    step_in,
)

LARGE_TABLES = {"episodes", "steps", "embeddings"}
ALL_LISTS = frozenset({"loops", "patterns", "problems"})


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EpisodesSource]:
    path = tmp_path_factory.mktemp("episode-plans") / "medium.db"
    bench_generator("episodes_bench.py")(path, episodes=2000, steps=30_000, patterns=300, now=NOW)
    opened = EpisodesSource(open_engine(path), "tester", clock=lambda: NOW)
    yield opened
    opened.close()


def _full_scans(source: EpisodesSource, statements: list[Statement]) -> list[str]:
    found = []
    for step, statement in sqlite_plan_steps(source.engine.path, statements):  # type: ignore[attr-defined]
        words = step.split()
        if words[0] != "SCAN" or words[1] not in LARGE_TABLES | {"patterns"}:
            continue
        needed = "COVERING INDEX" if words[1] in LARGE_TABLES else "INDEX"
        if needed not in step:
            found.append(step_in(step, statement, 400))
    return found


REFRESH_QUERIES = {
    "board": BoardQuery(lists=frozenset()),
    "domain": BoardQuery(project_id="auth-3", lists=frozenset()),
    "archived": BoardQuery(show_archived=True, lists=frozenset()),
    "lists": BoardQuery(lists=ALL_LISTS),
    "lists-by-usage": BoardQuery(lists=ALL_LISTS, view_flags=frozenset({"patterns.usage"})),
    "lists-in-a-domain": BoardQuery(project_id="auth-3", lists=ALL_LISTS),
}


@pytest.mark.parametrize("query", REFRESH_QUERIES.values(), ids=REFRESH_QUERIES.keys())
def test_no_refresh_query_scans_a_large_table(source: EpisodesSource, query: BoardQuery) -> None:
    statements = sqlite_selects(source, lambda: source.snapshot(query, NOW))
    assert len(statements) >= 5  # the capture saw the snapshot's queries
    assert _full_scans(source, statements) == []


def test_the_detail_reads_by_key(source: EpisodesSource) -> None:
    def open_one() -> None:
        assert source.card_detail("e1999", NOW) is not None

    statements = sqlite_selects(source, open_one)
    assert len(statements) >= 5
    assert _full_scans(source, statements) == []


def test_a_text_filter_scans_and_the_check_would_say_so(source: EpisodesSource) -> None:
    statements = sqlite_selects(source, lambda: source.snapshot(BoardQuery(text="login"), NOW))
    assert any("SCAN episodes" in scan for scan in _full_scans(source, statements))

"""Every query a Ralph snapshot or a story's detail runs reads an index: no large table
is scanned row by row (a covering index may be, for counts by status). Plans without
ANALYZE statistics do not depend on row counts, so a medium database shows what a big
one gets (bench/ralph_bench.py measures the big one)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing

import pytest

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.sources.base import Source
from ringmaster_tui.sources.registry import open_source
from tests.builders import NOW
from tests.sources.plans import (
    Statement,
    bench_generator,
    sqlite_plan_steps,
    sqlite_selects,
    step_in,
)

LARGE_TABLES = {
    "stories",
    "story_history",
    "agent_executions",
    "quality_gate_results",
    "git_commits",
    "progress_logs",
    "system_logs",
}
# Read whole: a few dozen projects (the loops view filters them by status and name).
SMALL_TABLES = {"projects", "users"}


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Source]:
    path = tmp_path_factory.mktemp("ralph-plans") / "medium.db"
    bench_generator("ralph_bench.py")(path, stories=4000, history=20_000, now=NOW)
    opened = open_source(path, user="tester")
    yield opened
    opened.close()


def _full_scans(source: Source, statements: list[Statement]) -> list[str]:
    found = []
    path = source.engine.path  # type: ignore[attr-defined]
    with closing(sqlite3.connect(path)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for step, statement in sqlite_plan_steps(path, statements):
        words = step.split()
        if words[0] != "SCAN" or words[1] not in tables or words[1] in SMALL_TABLES:
            continue
        needed = "COVERING INDEX" if words[1] in LARGE_TABLES else "INDEX"
        if needed not in step:
            found.append(step_in(step, statement, 300))
    return found


LISTS = frozenset({"loops", "problems"})
REFRESH_QUERIES = {
    "plain": BoardQuery(lists=LISTS),
    "feature": BoardQuery(project_id="feature:7", lists=LISTS),
    "project": BoardQuery(project_id="project:1", lists=LISTS),
    "view-filters": BoardQuery(
        lists=LISTS, view_text=(("loops", "project"), ("problems", "tests"))
    ),
}


@pytest.mark.parametrize("query", REFRESH_QUERIES.values(), ids=REFRESH_QUERIES.keys())
def test_no_refresh_query_scans_a_large_table(source: Source, query: BoardQuery) -> None:
    statements = sqlite_selects(source, lambda: source.snapshot(query, NOW))
    assert len(statements) > 10  # the capture saw the snapshot's queries
    assert _full_scans(source, statements) == []


def test_the_text_filter_scans_the_stories(source: Source) -> None:
    """Words anywhere in a title: no index helps; the check above would say so."""
    statements = sqlite_selects(source, lambda: source.snapshot(BoardQuery(text="billing"), NOW))
    assert any("SCAN stories" in scan for scan in _full_scans(source, statements))


def test_a_story_detail_reads_by_key(source: Source) -> None:
    snapshot = source.snapshot(BoardQuery(lists=frozenset()), NOW)
    card = next(c for lane in snapshot.lanes for c in lane.cards)
    statements = sqlite_selects(source, lambda: source.card_detail(card.id, NOW))
    assert len(statements) >= 8
    assert _full_scans(source, statements) == []

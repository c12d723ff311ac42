"""Every query a Ralph snapshot or a story's detail runs reads an index: no large table
is scanned row by row (a covering index may be, for counts by status). Plans without
ANALYZE statistics do not depend on row counts, so a medium database shows what a big
one gets (bench/ralph_bench.py measures the big one)."""

from __future__ import annotations

import importlib.util
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.engines.text import register_text_functions
from ringmaster_tui.sources.base import Source
from ringmaster_tui.sources.registry import open_source
from tests.builders import NOW

ROOT = Path(__file__).resolve().parents[3]
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


def _generate() -> Callable[..., None]:
    spec = importlib.util.spec_from_file_location("ralph_bench", ROOT / "bench" / "ralph_bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    generate: Callable[..., None] = module.generate
    return generate


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Source]:
    path = tmp_path_factory.mktemp("ralph-plans") / "medium.db"
    _generate()(path, stories=4000, history=20_000, now=NOW)
    opened = open_source(path, user="tester")
    yield opened
    opened.close()


def _statements(source: Source, run: Callable[[], object]) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    reader = source.engine.reader  # type: ignore[attr-defined]
    event.listen(reader, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(reader, "before_cursor_execute", record)
    return seen


def _full_scans(source: Source, statements: list[tuple[str, Any]]) -> list[str]:
    found = []
    with closing(sqlite3.connect(source.engine.path)) as conn:  # type: ignore[attr-defined]
        register_text_functions(conn)  # the filters' case folding, as the engine's have it
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for statement, parameters in statements:
            for row in conn.execute(f"EXPLAIN QUERY PLAN {statement}", parameters):
                words = row[3].split()
                if words[0] != "SCAN" or words[1] not in tables or words[1] in SMALL_TABLES:
                    continue
                needed = "COVERING INDEX" if words[1] in LARGE_TABLES else "INDEX"
                if needed not in row[3]:
                    found.append(f"{row[3]}\n    in {' '.join(statement.split())[:300]}")
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
    statements = _statements(source, lambda: source.snapshot(query, NOW))
    assert len(statements) > 10  # the capture saw the snapshot's queries
    assert _full_scans(source, statements) == []


def test_the_text_filter_scans_the_stories(source: Source) -> None:
    """Words anywhere in a title: no index helps; the check above would say so."""
    statements = _statements(source, lambda: source.snapshot(BoardQuery(text="billing"), NOW))
    assert any("SCAN stories" in scan for scan in _full_scans(source, statements))


def test_a_story_detail_reads_by_key(source: Source) -> None:
    snapshot = source.snapshot(BoardQuery(lists=frozenset()), NOW)
    card = next(c for lane in snapshot.lanes for c in lane.cards)
    statements = _statements(source, lambda: source.card_detail(card.id, NOW))
    assert len(statements) >= 8
    assert _full_scans(source, statements) == []

"""Every query an episodes refresh or detail runs reads an index: none scans a large
table row by row. The statements are captured as real snapshots of a generated store
run, then each one's EXPLAIN QUERY PLAN is read (as tests/test_query_plans.py does for
Ringmaster). Without ANALYZE statistics SQLite's plans do not depend on row counts, so a
medium store shows what a big one gets.

A text filter is the exception, and said so: LIKE '%text%' cannot use an index, so
filtering reads the episodes (or patterns) of the lanes it narrows.
"""

from __future__ import annotations

import importlib.util
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.engines import open_engine
from ringmaster_tui.engines.text import register_text_functions
from ringmaster_tui.sources.episodes.source import EpisodesSource
from tests.builders import NOW

ROOT = Path(__file__).resolve().parents[3]
LARGE_TABLES = {"episodes", "steps", "embeddings"}
ALL_LISTS = frozenset({"loops", "patterns", "problems"})


def _generate() -> Callable[..., None]:
    spec = importlib.util.spec_from_file_location(
        "episodes_bench", ROOT / "bench" / "episodes_bench.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    generate: Callable[..., None] = module.generate
    return generate


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EpisodesSource]:
    path = tmp_path_factory.mktemp("episode-plans") / "medium.db"
    _generate()(path, episodes=2000, steps=30_000, patterns=300, now=NOW)
    opened = EpisodesSource(open_engine(path), "tester", clock=lambda: NOW)
    yield opened
    opened.close()


def _statements(source: EpisodesSource, run: Callable[[], object]) -> list[tuple[str, Any]]:
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


def _plans(source: EpisodesSource, statements: list[tuple[str, Any]]) -> list[tuple[str, str]]:
    conn = sqlite3.connect(source.engine.path)  # type: ignore[attr-defined]
    register_text_functions(conn)  # the filters' case folding, as the engine's own
    try:
        return [
            (row[3], statement)
            for statement, parameters in statements
            for row in conn.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
        ]
    finally:
        conn.close()


def _full_scans(source: EpisodesSource, statements: list[tuple[str, Any]]) -> list[str]:
    found = []
    for step, statement in _plans(source, statements):
        words = step.split()
        if words[0] != "SCAN" or words[1] not in LARGE_TABLES | {"patterns"}:
            continue
        needed = "COVERING INDEX" if words[1] in LARGE_TABLES else "INDEX"
        if needed not in step:
            found.append(f"{step}\n    in {' '.join(statement.split())[:400]}")
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
    statements = _statements(source, lambda: source.snapshot(query, NOW))
    assert len(statements) >= 5  # the capture saw the snapshot's queries
    assert _full_scans(source, statements) == []


def test_the_detail_reads_by_key(source: EpisodesSource) -> None:
    def open_one() -> None:
        assert source.card_detail("e1999", NOW) is not None

    statements = _statements(source, open_one)
    assert len(statements) >= 5
    assert _full_scans(source, statements) == []


def test_a_text_filter_scans_and_the_check_would_say_so(source: EpisodesSource) -> None:
    statements = _statements(source, lambda: source.snapshot(BoardQuery(text="login"), NOW))
    assert any("SCAN episodes" in scan for scan in _full_scans(source, statements))

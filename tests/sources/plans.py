"""The query-plan tests' common steps: load a benchmark's generator, capture the SELECT
statements a source's engine runs with their parameters, and read SQLite's EXPLAIN QUERY
PLAN of each. What counts as a bad step (which tables are large, which scans are excused)
is each source's own rule, applied by its test to the steps returned here."""

from __future__ import annotations

import importlib.util
import sqlite3
from collections.abc import Callable, Iterable
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from ringmaster_tui.engines.text import register_text_functions

ROOT = Path(__file__).resolve().parents[2]
Statement = tuple[str, Any]


def bench_generator(script: str) -> Callable[..., None]:
    """The `generate` function of bench/<script> (bench/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(Path(script).stem, ROOT / "bench" / script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    generate: Callable[..., None] = module.generate
    return generate


def selects_run_on(engine: Engine, run: Callable[[], object]) -> list[Statement]:
    """The SELECT (and WITH) statements, with their parameters, that `run` has the engine
    execute."""
    seen: list[Statement] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def sqlite_selects(source: Any, run: Callable[[], object]) -> list[Statement]:
    """The SELECT statements `run` has a SQLite source's reading engine execute."""
    return selects_run_on(source.engine.reader, run)


def sqlite_plan_steps(path: Path, statements: Iterable[Statement]) -> list[tuple[str, str]]:
    """(plan step's text, its statement) for every step of every statement's EXPLAIN QUERY
    PLAN, read on a connection with the filters' case folding, as the engine's have it."""
    with closing(sqlite3.connect(path)) as conn:
        register_text_functions(conn)
        return [
            (row[3], statement)
            for statement, parameters in statements
            for row in conn.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
        ]


def step_in(step: str, statement: str, width: int) -> str:
    """A bad step as a failing assertion shows it: the step, then its statement on one
    line, cut to `width` characters."""
    return f"{step}\n    in {' '.join(statement.split())[:width]}"

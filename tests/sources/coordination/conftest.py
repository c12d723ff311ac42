"""Coordination databases for the tests: the demo at the fixed NOW, and a second process
that writes to one as the loops would."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from ringmaster_tui.sources.coordination.sim.demo import create_demo_database
from tests.builders import NOW
from tests.ui.helpers import Notes

# A second process: each line on stdin is one SQL statement, run in its own commit;
# it answers "ok" once committed.
WRITER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
for line in sys.stdin:
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(line)
    conn.execute("COMMIT")
    print("ok", flush=True)
"""


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def coord_db(tmp_path: Path) -> Path:
    path = tmp_path / "coordination.db"
    create_demo_database(path, seed=3, now=NOW)
    return path


def one(db: Path, sql: str, *params: object) -> tuple[Any, ...]:
    with closing(sqlite3.connect(db)) as conn:
        row = conn.execute(sql, params).fetchone()
    assert row is not None, sql
    return tuple(row)


def rows(db: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db)) as conn:
        return [tuple(r) for r in conn.execute(sql, params).fetchall()]


def run_sql(db: Path, sql: str, *params: object) -> None:
    """A change made as another tool would, with plain sqlite3."""
    with closing(sqlite3.connect(db, isolation_level=None)) as conn:
        conn.execute(sql, params)


class Writer:
    """A second process writing to the database, one commit per statement."""

    def __init__(self, db: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    async def write(self, sql: str) -> None:
        assert "\n" not in sql
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        stdin.write(sql + "\n")
        stdin.flush()
        answer = await asyncio.to_thread(stdout.readline)
        assert answer.strip() == "ok", answer

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=10)


@pytest.fixture
def writer(coord_db: Path) -> Iterator[Writer]:
    made = Writer(coord_db)
    yield made
    made.close()


@pytest.fixture
def notes() -> Notes:
    return Notes()

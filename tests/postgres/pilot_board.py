"""The standard board (tests/builders.py) on either engine for Pilot tests: a SQLite file,
or its rows copied into a PostgreSQL database made by `init URL`; the app on it, and
engine-neutral reads and writes of its rows through SQLAlchemy."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from ringmaster_tui.config import Settings
from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.ui.app import RingmasterApp
from tests.builders import NOW, build_standard_board
from tests.postgres.data import pg_engine

ENGINES = ["sqlite", "postgresql"]
USER = "ann"


@dataclass
class EngineDb:
    """Where a database lives (a path or a URL) and a connection pool of its own, standing
    for another client of the same database; the app on it."""

    target: str
    engine: sa.Engine

    def app(self, *, live: bool = False) -> RingmasterApp:
        source = open_source(self.target, user=USER)
        settings = Settings(db=self.target, user=USER, bell=False)
        return RingmasterApp(source, settings, clock=lambda: NOW, animate=False, live=live)

    def rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        with self.engine.connect() as conn:
            return [tuple(row) for row in conn.execute(sa.text(sql), params)]

    def one(self, sql: str, **params: Any) -> tuple[Any, ...]:
        (row,) = self.rows(sql, **params)
        return row

    def write(self, sql: str, **params: Any) -> None:
        """A change committed by another client on its own connection."""
        with self.engine.begin() as conn:
            conn.execute(sa.text(sql), params)


class Board(EngineDb):
    """The standard board, on either engine."""

    @property
    def is_postgres(self) -> bool:
        return "://" in self.target

    def id_of(self, table: str, column: str, value: str) -> str:
        return str(self.one(f"SELECT id FROM {table} WHERE {column} = :v", v=value)[0])

    def card_id(self, title: str) -> str:
        return self.id_of("cards", "title", title)

    def state_of(self, title: str) -> str:
        return str(self.one("SELECT state FROM cards WHERE title = :t", t=title)[0])

    def transitions(self) -> list[tuple[str, str, str, str, dict[str, Any]]]:
        """(title, from, to, trigger, metadata) of every audit row (the builder writes none)."""
        found = self.rows(
            "SELECT c.title, t.from_state, t.to_state, t.trigger, t.metadata "
            "FROM state_transitions t JOIN cards c ON c.id = t.card_id "
            "ORDER BY t.created_at, t.id"
        )
        return [(t, f, to, trig, json.loads(meta or "{}")) for t, f, to, trig, meta in found]


def standard_board(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Board]:
    """A fresh standard board on the engine `request.param` (for a fixture parametrised
    over ENGINES)."""
    if request.param == "sqlite":
        path = tmp_path / "board.db"
        build_standard_board(path).close()
        target = str(path)
        engine = sa.create_engine(f"sqlite:///{path}", poolclass=sa.pool.NullPool)
    else:
        target = request.getfixturevalue("board_url")  # tests/postgres/conftest.py
        engine = pg_engine(target)
    try:
        yield Board(target, engine)
    finally:
        engine.dispose()

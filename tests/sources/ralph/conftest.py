"""Ralph tests run on a real SQLite file written by plain sqlite3 (ralph_db.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ringmaster_tui.sources.base import Source
from ringmaster_tui.sources.registry import open_source
from tests.sources.ralph.ralph_db import build_ralph_db
from tests.ui.helpers import Notes


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def ralph_db(tmp_path: Path) -> Path:
    return build_ralph_db(tmp_path / "ralph.db")


@pytest.fixture
def source(ralph_db: Path) -> Iterator[Source]:
    opened = open_source(ralph_db, user="ann")
    yield opened
    opened.close()


@pytest.fixture
def notes() -> Notes:
    return Notes()

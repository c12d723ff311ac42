"""The UI under test: real SQLite files from tests/builders.py, a fixed clock, no animation."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import build_standard_board
from tests.ui.helpers import Notes


@pytest.fixture
def anyio_backend() -> str:
    """Async tests (marked `anyio`) run on asyncio, as Textual does."""
    return "asyncio"


@pytest.fixture
def board_db(tmp_path: Path) -> Path:
    path = tmp_path / "board.db"
    build_standard_board(path).close()
    return path


@pytest.fixture
def notes() -> Notes:
    return Notes()

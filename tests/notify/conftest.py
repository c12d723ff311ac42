"""Notify tests: real databases (tests/builders.py), real notify commands, a state
directory of the test's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.notify.helpers import FAILING, HANGING, RECORDER, Script, make_script, make_shell_script
from tests.ui.helpers import Notes


@pytest.fixture
def anyio_backend() -> str:
    """Async tests (marked `anyio`) run on asyncio, as Textual does."""
    return "asyncio"


@pytest.fixture
def notes() -> Notes:
    return Notes()


@pytest.fixture
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$XDG_STATE_HOME for this test (and the processes it starts)."""
    home = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(home))
    return home


@pytest.fixture
def recorder(tmp_path: Path) -> Script:
    return make_script(tmp_path, "recorder", RECORDER)


@pytest.fixture
def failing(tmp_path: Path) -> Script:
    return make_script(tmp_path, "failing", FAILING)


@pytest.fixture
def hanging(tmp_path: Path) -> Script:
    return make_shell_script(tmp_path, "hanging", HANGING)

"""Ticket-system databases for the tests: the standard board is written once per session
by a second process (as the orchestrator would write it), and each test gets a copy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.sources.tickets.source import TicketsSource
from tests.ui.helpers import Notes

ROOT = Path(__file__).resolve().parents[3]


def write_in_second_process(path: Path, *extra: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "tests.sources.tickets.builders", str(path), *extra],
        cwd=ROOT,
        check=True,
        timeout=60,
    )


@pytest.fixture(scope="session")
def standard_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tickets") / "standard.db"
    # The active worker reports this test process's pid: alive while the tests run.
    write_in_second_process(path, str(os.getpid()))
    return path


@pytest.fixture
def tickets_db(standard_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "tickets.db"
    shutil.copy(standard_template, path)
    return path


@pytest.fixture
def source(tickets_db: Path) -> Iterator[TicketsSource]:
    opened = open_source(tickets_db, user="ann")
    assert isinstance(opened, TicketsSource)
    yield opened
    opened.close()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def notes() -> Notes:
    return Notes()

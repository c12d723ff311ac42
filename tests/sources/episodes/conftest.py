"""Fixtures of the episodes tests: the standard store, written by a second process, and
the source on it with the tests' clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ringmaster_tui.engines import open_engine
from ringmaster_tui.sources.episodes.source import EpisodesSource
from tests.builders import NOW
from tests.sources.episodes.builders import build_in_second_process


@pytest.fixture(scope="module")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_in_second_process(tmp_path_factory.mktemp("episodes") / "template.db")


@pytest.fixture
def store(store_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the standard store for a test that writes."""
    path = tmp_path / "store.db"
    path.write_bytes(store_template.read_bytes())
    return path


def open_store(path: Path, *, read_only: bool = False, user: str = "ann") -> EpisodesSource:
    return EpisodesSource(open_engine(path, read_only=read_only), user, clock=lambda: NOW)


@pytest.fixture
def source(store: Path) -> Iterator[EpisodesSource]:
    opened = open_store(store)
    yield opened
    opened.close()

"""Fixtures shared by every test folder: a throwaway PostgreSQL server, started once per
session on first use (tests/postgres/cluster.py), stopped at the end; each kind's demo
as a SQLite file, built once per session for the tests that only copy it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ringmaster_tui.sources.base import SourceKind
from tests.postgres.cluster import Cluster, start_cluster


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    # No skip: where PostgreSQL is missing, these tests fail and say how to install it.
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()


DEMO_SEED = 3


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> Callable[[SourceKind], Path]:
    """Each kind's demo database (seed DEMO_SEED), built on first use; copy it, never
    change it."""
    made: dict[str, Path] = {}

    def demo(kind: SourceKind) -> Path:
        if kind.name not in made:
            folder = tmp_path_factory.mktemp(f"demo-{kind.name}")
            path = folder / f"{kind.name}.db"
            kind.create_demo(path, seed=DEMO_SEED, repo_root=folder / "repos")
            made[kind.name] = path
        return made[kind.name]

    return demo


@pytest.fixture(autouse=True)
def _no_personal_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Tests (and the commands they run) read no settings file of the machine's user."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.getbasetemp() / "no-config"))

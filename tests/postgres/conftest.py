"""Ringmaster's demo on both engines: the session's SQLite demo (tests/conftest.py), its
rows copied into a PostgreSQL template database; each test gets a fresh copy of either."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from ringmaster_tui.sources.base import SourceKind
from ringmaster_tui.sources.registry import create_source_database
from ringmaster_tui.sources.ringmaster.kind import RINGMASTER
from tests.builders import build_standard_board
from tests.postgres.cluster import Cluster
from tests.postgres.data import copy_sqlite_into


@pytest.fixture(scope="session")
def ringmaster_sqlite_demo(demo_files: Callable[[SourceKind], Path]) -> Path:
    return demo_files(RINGMASTER)


@pytest.fixture(scope="session")
def ringmaster_template(pg_cluster: Cluster, ringmaster_sqlite_demo: Path) -> str:
    name = pg_cluster.new_database("rm_template")
    url = pg_cluster.url(name, password="postgres")
    create_source_database(url, RINGMASTER)
    copy_sqlite_into(ringmaster_sqlite_demo, url)
    return name


@pytest.fixture
def ringmaster_pg(pg_cluster: Cluster, ringmaster_template: str) -> str:
    """The URL of a fresh copy of the demo on PostgreSQL (the superuser's, with password)."""
    return pg_cluster.url(
        pg_cluster.new_database("rm", template=ringmaster_template), password="postgres"
    )


@pytest.fixture
def ringmaster_sqlite(ringmaster_sqlite_demo: Path, tmp_path: Path) -> Path:
    """A fresh copy of the same demo as a SQLite file."""
    path = tmp_path / "demo.db"
    shutil.copyfile(ringmaster_sqlite_demo, path)
    return path


@pytest.fixture
def role(pg_cluster: Cluster) -> Callable[..., str]:
    """Makes a login role with a password; grants are the test's to give."""
    made: list[str] = []

    def make(name: str, password: str = "s3cret-Pass") -> str:
        pg_cluster.psql(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")
        made.append(name)
        return name

    return make


@pytest.fixture(scope="session")
def standard_template(pg_cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("standard") / "board.db"
    build_standard_board(path).close()
    name = pg_cluster.new_database("standard")
    url = pg_cluster.url(name, password="postgres")
    create_source_database(url, RINGMASTER)
    copy_sqlite_into(path, url)
    return name


@pytest.fixture
def board_url(pg_cluster: Cluster, standard_template: str) -> str:
    return pg_cluster.url(
        pg_cluster.new_database("board", template=standard_template), password="postgres"
    )

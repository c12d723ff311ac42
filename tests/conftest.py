"""Fixtures shared by every test folder: a throwaway PostgreSQL server, started once per
session on first use (tests/postgres/cluster.py), stopped at the end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.postgres.cluster import Cluster, start_cluster


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    # No skip: where PostgreSQL is missing, these tests fail and say how to install it.
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()

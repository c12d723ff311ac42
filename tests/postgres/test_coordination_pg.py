"""The coordination source (seed 003) on PostgreSQL as on SQLite: the same data reads
the same way in every view, filtered, for one loop, with each toggle, and every test and
decision opens the same; every write is one compare-and-set that refuses a lost race;
and on a few tens of thousands of ANALYZEd rows the refresh path reads indexes only."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from ringmaster_tui.domain.snapshot import SHAPED_NOT_LISTED, BoardQuery
from ringmaster_tui.sources.base import Source
from ringmaster_tui.sources.coordination.kind import COORDINATION
from ringmaster_tui.sources.coordination.sim.demo import create_demo_database
from ringmaster_tui.sources.registry import create_source_database, open_source
from tests.builders import NOW
from tests.postgres.cluster import Cluster
from tests.postgres.data import copy_sqlite_into, pg_engine

DEMO_SEED = 3


@pytest.fixture(scope="module")
def sqlite_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo at the tests' fixed NOW (its ages and deadlines are then the same)."""
    path = tmp_path_factory.mktemp("coordination") / "demo.db"
    create_demo_database(path, seed=DEMO_SEED, now=NOW)
    return path


@pytest.fixture(scope="module")
def pg_template(pg_cluster: Cluster, sqlite_demo: Path) -> str:
    name = pg_cluster.new_database("coord_template")
    url = pg_cluster.url(name, password="postgres")
    create_source_database(url, COORDINATION)
    copy_sqlite_into(sqlite_demo, url)
    return name


@pytest.fixture
def pg_url(pg_cluster: Cluster, pg_template: str) -> str:
    """A fresh copy of the demo on PostgreSQL."""
    return pg_cluster.url(
        pg_cluster.new_database("coord", template=pg_template), password="postgres"
    )


@pytest.fixture
def both(sqlite_demo: Path, pg_url: str, tmp_path: Path) -> Iterator[tuple[Source, Source]]:
    path = tmp_path / "demo.db"
    shutil.copyfile(sqlite_demo, path)
    lite = open_source(path, user="ann")
    pg = open_source(pg_url, user="ann")
    assert (lite.kind, pg.kind) == ("coordination", "coordination")
    yield lite, pg
    lite.close()
    pg.close()


def _dump(value: Any) -> Any:
    return value.model_dump() if hasattr(value, "model_dump") else value


def _views(source: Source) -> frozenset[str]:
    return frozenset(offer.view_id for offer in source.capabilities.views) - SHAPED_NOT_LISTED


def _queries(source: Source) -> dict[str, BoardQuery]:
    lists = _views(source)
    loop = source.snapshot(BoardQuery(), NOW).projects[0].id
    every_view = tuple((view, "a") for view in sorted(lists))
    found = {
        "every view": BoardQuery(lists=lists),
        "board filtered": BoardQuery(lists=lists, text="api"),
        "filtered, case and beyond ASCII": BoardQuery(lists=lists, text="UPLOAD"),
        "one loop": BoardQuery(lists=lists, project_id=loop),
        "one loop, filtered": BoardQuery(lists=lists, project_id=loop, text="e"),
        "short lanes": BoardQuery(lists=lists, per_lane=2),
        "everything shown": BoardQuery(
            lists=lists,
            show_decided=True,
            show_acknowledged=True,
            view_flags=frozenset({"events.acknowledged", "changes.resolved"}),
        ),
        "every view filtered": BoardQuery(
            lists=lists,
            decision_text="a",
            alert_text="e",
            view_text=every_view,
            show_decided=True,
            show_acknowledged=True,
            view_flags=frozenset({"events.acknowledged", "changes.resolved"}),
        ),
        "events by source and type": BoardQuery(
            lists=lists,
            view_text=(("events", "source:monitor type:test_failed"),),
            view_flags=frozenset({"events.acknowledged"}),
        ),
    }
    for view in sorted(lists):
        found[f"{view} alone"] = BoardQuery(lists=frozenset({view}))
    return found


def test_the_same_data_makes_the_same_snapshots(both: tuple[Source, Source]) -> None:
    lite, pg = both
    for label, query in _queries(lite).items():
        expected = lite.snapshot(query, NOW)
        assert _dump(pg.snapshot(query, NOW)) == _dump(expected), label
    # The comparison saw every list the source offers, with rows in them.
    full = lite.snapshot(
        BoardQuery(
            lists=_views(lite),
            show_decided=True,
            show_acknowledged=True,
            view_flags=frozenset({"events.acknowledged", "changes.resolved"}),
        ),
        NOW,
    )
    assert set(full.tables) == _views(lite) - {"decisions", "alerts"}
    assert all(table.rows for table in full.tables.values())
    assert full.decisions and full.alerts and full.urgent


def test_the_same_tests_and_decisions_open_the_same_way(both: tuple[Source, Source]) -> None:
    lite, pg = both
    snapshot = lite.snapshot(BoardQuery(lists=frozenset({"decisions"}), show_decided=True), NOW)
    cards = [card.id for lane in snapshot.lanes for card in lane.cards]
    assert len(cards) > 20
    for card_id in [*cards, "NO-SUCH-TEST"]:
        assert _dump(pg.card_detail(card_id, NOW)) == _dump(lite.card_detail(card_id, NOW)), card_id
    assert snapshot.decisions
    for decision in snapshot.decisions:
        assert _dump(pg.decision_detail(decision.id, NOW)) == _dump(
            lite.decision_detail(decision.id, NOW)
        )

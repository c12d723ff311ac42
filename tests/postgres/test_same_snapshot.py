"""The Ringmaster source reads the same data the same way on both engines: the board,
every list, the filter, the project picker, card details and the metrics are equal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ringmaster_tui.domain.snapshot import SHAPED_NOT_LISTED, BoardQuery
from ringmaster_tui.sources.base import Source
from ringmaster_tui.sources.registry import open_source
from tests.builders import NOW


@pytest.fixture
def both(ringmaster_sqlite: Path, ringmaster_pg: str) -> Iterator[tuple[Source, Source]]:
    lite = open_source(ringmaster_sqlite, user="ann")
    pg = open_source(ringmaster_pg, user="ann")
    yield lite, pg
    lite.close()
    pg.close()


def _rounded(value: Any) -> Any:
    """Floats to 10 significant digits: sums of the same costs taken in another row order
    differ in their last bits (SQLite and PostgreSQL scan in their own orders)."""
    if isinstance(value, float):
        return float(f"{value:.10g}")
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(item) for item in value]
    return value


def _dump(value: Any) -> Any:
    return _rounded(value.model_dump() if hasattr(value, "model_dump") else value)


def _queries(source: Source) -> list[BoardQuery]:
    views = {offer.view_id for offer in source.capabilities.views}
    lists = frozenset(views - SHAPED_NOT_LISTED)
    first = source.snapshot(BoardQuery(), NOW)
    project = first.projects[0].id if first.projects else None
    return [
        BoardQuery(lists=lists),
        BoardQuery(lists=lists, text="AUTH"),
        BoardQuery(lists=lists, text="a"),
        BoardQuery(lists=lists, project_id=project),
        BoardQuery(lists=lists, per_lane=3),
    ]


def test_the_same_data_makes_the_same_snapshots(both: tuple[Source, Source]) -> None:
    lite, pg = both
    for query in _queries(lite):
        assert _dump(pg.snapshot(query, NOW)) == _dump(lite.snapshot(query, NOW)), query


def test_the_same_cards_open_the_same_way(both: tuple[Source, Source]) -> None:
    lite, pg = both
    snapshot = lite.snapshot(BoardQuery(), NOW)
    cards = [card.id for lane in snapshot.lanes for card in lane.cards]
    assert len(cards) > 10
    for card_id in cards:
        assert _dump(pg.card_detail(card_id, NOW)) == _dump(lite.card_detail(card_id, NOW))


def test_the_same_metrics(both: tuple[Source, Source]) -> None:
    lite, pg = both
    assert _dump(pg.metrics(None, NOW)) == _dump(lite.metrics(None, NOW))

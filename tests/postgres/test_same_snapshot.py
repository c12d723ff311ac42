"""The Ringmaster source reads the same data the same way on both engines: the board,
every list, the filter, the project picker, card details and the metrics are equal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ringmaster_tui.domain.snapshot import SHAPED_NOT_LISTED, BoardQuery
from ringmaster_tui.sources.base import Source
from tests.builders import NOW
from tests.postgres.compare import dumped_rounded, sources_on_both


@pytest.fixture
def both(ringmaster_sqlite: Path, ringmaster_pg: str) -> Iterator[tuple[Source, Source]]:
    with sources_on_both(ringmaster_sqlite, ringmaster_pg) as pair:
        yield pair


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
        assert dumped_rounded(pg.snapshot(query, NOW)) == dumped_rounded(
            lite.snapshot(query, NOW)
        ), query


def test_the_same_cards_open_the_same_way(both: tuple[Source, Source]) -> None:
    lite, pg = both
    snapshot = lite.snapshot(BoardQuery(), NOW)
    cards = [card.id for lane in snapshot.lanes for card in lane.cards]
    assert len(cards) > 10
    for card_id in cards:
        assert dumped_rounded(pg.card_detail(card_id, NOW)) == dumped_rounded(
            lite.card_detail(card_id, NOW)
        )


def test_the_same_metrics(both: tuple[Source, Source]) -> None:
    lite, pg = both
    assert dumped_rounded(pg.metrics(None, NOW)) == dumped_rounded(lite.metrics(None, NOW))

"""Screenshots of the metrics view at 120x40 (tables beside the charts) and 80x24 (one
under the other), with the fixed clock: the same database gives the same pixels.
`pytest tests/ui/test_metrics_snapshots.py --snapshot-update` rewrites them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.metrics_data import build_metrics_board
from tests.ui.snap_apps import make_app
from tests.ui.test_metrics_view import open_metrics

SnapCompare = Callable[..., bool]


@pytest.fixture(scope="module")
def snap_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("metrics") / "snap.db"
    build_metrics_board(db).close()
    return db


async def show_metrics(pilot: Pilot[Any]) -> None:
    await open_metrics(pilot)
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_metrics(snap_compare: SnapCompare, snap_db: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(snap_db), terminal_size=size, run_before=show_metrics)

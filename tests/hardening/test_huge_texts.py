"""A 100,000-character title, a 5 MB description, a 50 MB attempt output: the board reads
only what it shows (cut by SQLite), details load when opened, and the app keeps working."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.sources.ringmaster.loader import DETAIL_TEXT_CHARS, MESSAGE_CHARS, TITLE_CHARS
from tests.hardening import databases
from tests.hardening.tour import dump, tour
from tests.ui.snap_apps import make_app

pytestmark = pytest.mark.anyio
HUGE_CARD = "Huge title"


@pytest.fixture(scope="module")
def huge_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return databases.with_huge_texts(tmp_path_factory.mktemp("huge") / "huge.db")


def test_the_snapshot_holds_only_cut_texts(huge_db: Path) -> None:
    source = open_source(huge_db, user="t")
    now = datetime.now(UTC)

    snapshot = source.snapshot(BoardQuery(), now)
    huge = next(c for lane in snapshot.lanes for c in lane.cards if c.title.startswith("Huge"))
    detail = source.card_detail(huge.id, now)

    assert len(huge.title) == TITLE_CHARS
    assert all(len(e.message) <= MESSAGE_CHARS for e in snapshot.errors)
    assert detail is not None
    assert len(detail.title) == databases.HUGE_TITLE_CHARS  # under the detail's cap: whole
    assert detail.description is not None and len(detail.description) == DETAIL_TEXT_CHARS
    assert all(len(e.message) <= MESSAGE_CHARS for e in detail.errors)
    # The card's attempts list carries no output at all: the review reads it when opened.
    assert "output" not in type(detail.attempts[0]).model_fields


def test_the_review_reads_the_whole_output_only_when_opened(huge_db: Path) -> None:
    review = open_source(huge_db, user="t").attempt_review("attempt-huge")

    assert review is not None
    assert len(review.output) == databases.HUGE_OUTPUT_BYTES // 13 * 13
    assert not review.output_cut


async def test_the_app_runs_over_huge_texts(huge_db: Path) -> None:
    before = dump(huge_db)

    async with make_app(huge_db).run_test(size=(120, 40)) as pilot:
        seen = await tour(pilot)

    assert "Huge title title" in seen.screens["board"]
    assert "output line" in "".join(seen.screens.values())  # the review showed the output
    assert "describe describe" in "".join(seen.screens.values())
    assert dump(huge_db) == before

"""What other tools leave in an episodes store reads without loss or failure: unknown
statuses (the OTHER lane), text where numbers belong, timestamps that are no time, huge
texts, and markup and terminal escapes shown as plain, visible text."""

from __future__ import annotations

from pathlib import Path

import pytest

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.domain.views import SectionedDetail
from ringmaster_tui.ui.formatting import MISSING, fact_text
from tests.builders import NOW
from tests.sources.episodes.apps import first_snapshot, make_app, open_table, wait_for
from tests.sources.episodes.builders import EpisodeBuilder, ago
from tests.sources.episodes.conftest import open_store
from tests.ui.helpers import board, terminal_output

HOSTILE = "Title \x1b]2;pwned\x07 with [bold]markup[/bold] and \x1b[31mred"
HUGE = "x" * 1_000_000


@pytest.fixture
def odd_store(tmp_path: Path) -> Path:
    db = tmp_path / "odd.db"
    b = EpisodeBuilder(db)
    b.episode("e-paused", "auth", "Paused by hand", "paused", created_at=ago(minutes=5))
    b.episode(
        "e-junk",
        "auth",
        HOSTILE,
        "completed",
        success_rate="n/a",
        created_at="yesterday-ish",
        completed_at="",
    )
    b.insert(
        "steps",
        id="junk-1",
        episode_id="e-junk",
        step_number=1,
        action=HOSTILE,
        result=HUGE,
        duration_ms="slow",
        success=None,
        timestamp="not a time",
    )
    b.episode("e-live", "auth", "Live one", created_at=ago(minutes=3))
    b.insert(
        "steps",
        id="live-1",
        episode_id="e-live",
        step_number=1,
        action=HOSTILE,
        result=HUGE,
        success=1,
        timestamp=ago(minutes=1),
    )
    b.close()
    return db


def test_odd_values_read_as_unknown_and_unknown_statuses_go_to_other(odd_store: Path) -> None:
    source = open_store(odd_store)
    try:
        snapshot = source.snapshot(BoardQuery(lists=frozenset({"loops", "problems"})), NOW)
        lanes = {lane.name: [card.id for card in lane.cards] for lane in snapshot.lanes}
        assert lanes["OTHER"] == ["e-paused"]
        junk = next(c for lane in snapshot.lanes for c in lane.cards if c.id == "e-junk")
        assert [fact_text(f) for f in junk.facts][:4] == [
            "steps 1",
            f"ok {MISSING}",
            f"for {MISSING}",
            f"rate {MISSING}",
        ]
        live = snapshot.tables["loops"]
        step = next(row for row in live.rows if row.id == "s:live-1")
        assert len(fact_text(step.cells["what"])) < 500  # a result is read 200 characters far
        detail = source.card_detail("e-junk", NOW)
        assert isinstance(detail, SectionedDetail)
        steps = next(s for s in detail.sections if s.title.startswith("Steps"))
        assert fact_text(steps.rows[0][3]) == MISSING and fact_text(steps.rows[0][4]) == "?"
        assert len(fact_text(steps.rows[0][2])) == 400
    finally:
        source.close()


@pytest.mark.anyio
async def test_hostile_text_reaches_the_terminal_as_visible_plain_text(odd_store: Path) -> None:
    app = make_app(odd_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await first_snapshot(pilot)
        assert "\x1b]2;pwned" not in terminal_output(app)
        view = await open_table(pilot, "loops")
        assert view.table.row_count == 2
        output = terminal_output(app)
        assert "\x1b]2;pwned" not in output and "[bold]markup[/bold]" in output
        await pilot.press("1")
        assert board(app).select_card("e-junk")
        await pilot.press("enter")
        await wait_for(pilot, lambda: getattr(app.screen, "detail", None) is not None)
        assert "\x1b]2;pwned" not in terminal_output(app)

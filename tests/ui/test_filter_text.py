"""The filter's text: letters match in any case beyond ASCII (`ärger` finds `Ärger` and the
reverse) on the board and in every list, through the trigram index or without it; and a
filter as long as a pasted page is quoted on one line, cut with an ellipsis."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events

from ringmaster_tui.domain.snapshot import BoardQuery
from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.ui.widgets.alerts_view import AlertsView
from tests.builders import NOW, ago, build_standard_board
from tests.ui.helpers import board, loaded, screen_text, selected_title, settle, until
from tests.ui.snap_apps import USER, make_app
from tests.ui.view_data import open_view

SIZE = (100, 30)
UPPER_CARD = "Großer Ärger im Build"
LOWER_CARD = "kleiner ärger beim Deploy"  # coding: a running loop
LONG_FILTER = "x" * 10_000
# Three letters or more go through the trigram index; fewer are scanned.
TEXTS = ["ärger", "Ärger", "ÄRGER", "äR"]


@pytest.fixture
def umlaut_db(tmp_path: Path) -> Path:
    db = tmp_path / "umlaut.db"
    b = build_standard_board(db)
    b.card("project-alpha", UPPER_CARD, "draft", priority=9)
    lower = b.card("project-alpha", LOWER_CARD, "coding")
    b.error(lower, "Ärger in CI: flaky", category="test")
    b.alert("ärger mit Runner 3", "warning", created_at=ago(minutes=1))
    b.decision("ÄRGER: welche Datenbank?", ["a", "b"])
    b.close()
    return db


@pytest.mark.parametrize("text", TEXTS)
def test_the_board_and_every_list_match_letters_in_any_case(umlaut_db: Path, text: str) -> None:
    source = open_source(umlaut_db, user=USER)
    snapshot = source.snapshot(
        BoardQuery(text=text, loop_text=text, error_text=text, decision_text=text, alert_text=text),
        NOW,
    )
    source.close()

    assert {c.title for lane in snapshot.lanes for c in lane.cards} == {UPPER_CARD, LOWER_CARD}
    assert [loop.title for loop in snapshot.loops] == [LOWER_CARD]
    assert [e.message for e in snapshot.errors] == ["Ärger in CI: flaky"]
    assert [d.summary for d in snapshot.decisions] == ["ÄRGER: welche Datenbank?"]
    assert [a.message for a in snapshot.alerts] == ["ärger mit Runner 3"]
    counts = {name: count.matching for name, count in snapshot.list_counts.items()}
    assert counts == {"loops": 1, "errors": 1, "decisions": 1, "alerts": 1}


@pytest.mark.anyio
async def test_typing_either_case_on_the_board_finds_the_card(umlaut_db: Path) -> None:
    async with make_app(umlaut_db).run_test(size=SIZE) as pilot:
        app = await loaded(pilot)
        await pilot.press("slash", *"ärger", "enter")
        await settle(pilot)
        assert selected_title(app) == UPPER_CARD
        await pilot.press("slash", "escape", "slash", *"ÄRGER", "enter")
        await settle(pilot)
        found = {c.title for lane in app.snapshot.lanes for c in lane.cards} if app.snapshot else {}
        assert found == {UPPER_CARD, LOWER_CARD}


def lines_with(text: str, part: str) -> list[str]:
    return [line for line in text.splitlines() if part in line]


@pytest.mark.anyio
async def test_a_long_filter_on_the_board_is_quoted_on_one_line(umlaut_db: Path) -> None:
    async with make_app(umlaut_db).run_test(size=SIZE) as pilot:
        app = await loaded(pilot)
        app.post_message(events.Paste(LONG_FILTER))
        await settle(pilot)
        await until(pilot, lambda: board(app)._empty.display)
        text = await screen_text(pilot)

    (message,) = lines_with(text, "No card matches")
    assert message.strip().endswith("x…”. Escape clears the filter.")
    # At most the header's quote, the message and the field, one line each: no wrapping.
    assert len(lines_with(text, "x" * 20)) <= 3


@pytest.mark.anyio
async def test_a_long_filter_in_a_list_is_quoted_on_one_line(umlaut_db: Path) -> None:
    async with make_app(umlaut_db).run_test(size=SIZE) as pilot:
        view = await open_view(pilot, "alerts", AlertsView)
        pilot.app.post_message(events.Paste(LONG_FILTER))
        await until(pilot, lambda: view.snapshot is not None and not view.items)
        await settle(pilot)
        text = await screen_text(pilot)

    (message,) = lines_with(text, "Nothing matches")
    assert message.strip().endswith("x…”. Escape clears the filter.")
    # At most the view's header, the message and the field, one line each: no wrapping.
    assert len(lines_with(text, "x" * 20)) <= 3

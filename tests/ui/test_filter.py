"""`/` filters by title and description and selects the first match; escape clears; `p` picks
a project."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.message import Message
from textual.widgets import Input

from ringmaster_tui.ui.messages import SnapshotLoaded
from ringmaster_tui.ui.screens.project_picker import ProjectPickerScreen
from ringmaster_tui.ui.widgets import board as board_module
from tests.builders import DbBuilder
from tests.ui.helpers import board, keys_act_on, loaded, screen_text, selected_title, settle, until
from tests.ui.snap_apps import make_app

pytestmark = pytest.mark.anyio


async def test_slash_filters_and_selects_the_first_match(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=(120, 40)) as pilot:
        app = await loaded(pilot)
        await pilot.press("slash", *"criteria")
        await settle(pilot)

        assert app.board_query.text == "criteria"
        assert selected_title(app) == "Plan with criteria"
        counts = {c.lane_name: c.lane.count for c in board(app).columns.values() if c.lane}
        assert counts["PLANNING"] == 2
        assert counts["DRAFT"] == 0

        await pilot.press("enter")  # keeps the filter, back to the cards
        await settle(pilot)
        text = await screen_text(pilot)
        assert "filter “criteria”" in text.splitlines()[0]
        assert keys_act_on(app, "PLANNING")
        await pilot.press("j")
        assert selected_title(app) == "Plan without criteria"


async def test_filter_matches_descriptions_too(board_db: Path) -> None:
    b = DbBuilder(board_db)
    b.conn.execute("UPDATE cards SET description = 'mind the zebra' WHERE title = 'Gave up'")
    b.close()
    async with make_app(board_db).run_test(size=(120, 40)) as pilot:
        app = await loaded(pilot)
        await pilot.press("slash", *"zebra", "enter")
        await settle(pilot)

        assert selected_title(app) == "Gave up"
        assert keys_act_on(app, "FAILED")


@pytest.mark.parametrize("big_board", [False, True])
async def test_keys_typed_in_a_burst_load_the_board_once(
    board_db: Path, monkeypatch: pytest.MonkeyPatch, big_board: bool
) -> None:
    # On a big board a one- or two-letter filter waits for a next key: the burst's first
    # keys are not read on their own. On a small one the first key, which no key came
    # before, is sent at once, and the rest of the burst makes one load after it.
    if big_board:
        monkeypatch.setattr(board_module, "SHORT_FILTER_WAITS_FROM_CARDS", 1)
    loaded_texts: list[str] = []

    def hook(message: Message) -> None:
        if isinstance(message, SnapshotLoaded):
            loaded_texts.append(message.snapshot.query.text)

    async with make_app(board_db).run_test(size=(120, 40), message_hook=hook) as pilot:
        app = await loaded(pilot)
        await pilot.press("slash")
        for key in "criteria":  # queued at once, as a paste or a fast typist sends them
            app.post_message(events.Key(key, key))
        await settle(pilot)

        assert selected_title(app) == "Plan with criteria"
    filtered = [text for text in loaded_texts if text]
    if big_board:
        assert filtered == ["criteria"]
    else:
        assert filtered[-1] == "criteria" and set(filtered) <= {"c", "criteria"}


async def test_escape_clears_the_filter_and_keeps_the_card(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=(120, 40)) as pilot:
        app = await loaded(pilot)
        await pilot.press("slash", *"flaky", "enter")
        await settle(pilot)
        assert selected_title(app) == "Fix flaky test"

        await pilot.press("escape")
        await settle(pilot)

        assert app.board_query.text == ""
        assert board(app).columns["DRAFT"].card_count == 2
        assert selected_title(app) == "Fix flaky test"
        assert "filter" not in (await screen_text(pilot)).splitlines()[0]


async def test_escape_while_typing_clears_too(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=(120, 40)) as pilot:
        app = await loaded(pilot)
        await pilot.press("slash", *"ship")
        await settle(pilot)
        assert selected_title(app) == "Shipped"
        await pilot.press("escape")
        await settle(pilot)

        assert app.board_query.text == ""
        assert board(app).columns["PLANNING"].card_count == 2
        assert app.screen.focused is board(app).keys


async def test_a_filter_with_no_match_says_so(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=(120, 40)) as pilot:
        app = await loaded(pilot)
        await pilot.press("slash", *"nothing like this", "enter")
        await settle(pilot)

        assert board(app).selected_card is None
        assert "No card matches “nothing like this”" in await screen_text(pilot)


async def test_project_picker_limits_the_board_to_one_project(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=(120, 40)) as pilot:
        app = await loaded(pilot)
        await pilot.press("p")
        await until(pilot, lambda: isinstance(app.screen, ProjectPickerScreen))
        await pilot.press("down", "down", "enter")  # All projects, alpha, beta
        await settle(pilot)

        assert app.board_query.project_id == "project-beta"
        assert app.snapshot is not None
        assert {card.project_id for card in app.loaded_cards()} == {"project-beta"}
        header = (await screen_text(pilot)).splitlines()[0]
        assert "project beta" in header
        assert "loops 1" in header  # only beta's loop

        await pilot.press("p", "home", "enter")
        await settle(pilot)
        assert app.board_query.project_id is None
        assert "all projects" in (await screen_text(pilot)).splitlines()[0]


async def test_lanes_keep_their_widths_while_a_filter_is_on(board_db: Path) -> None:
    # Re-fitting the lanes at each key would lay out and repaint the whole screen.
    async with make_app(board_db).run_test(size=(120, 40)) as pilot:
        app = await loaded(pilot)

        def widths() -> dict[str, int]:
            return {c.lane_name: c.size.width for c in board(app).columns.values() if c.display}

        before = widths()
        await pilot.press("slash", *"flaky")
        await settle(pilot)
        counts = {c.lane_name: c.lane.count for c in board(app).columns.values() if c.lane}
        assert sum(1 for count in counts.values() if count == 0) >= 5  # mostly empty lanes
        assert widths() == before

        await pilot.press("escape")
        await settle(pilot)
        assert widths() == before


async def test_a_filter_longer_than_its_field_shows_its_end_as_it_is_typed(
    board_db: Path,
) -> None:
    # The field never lays out the screen as it grows (its styles fix its size); its
    # text still scrolls to keep the cursor in view.
    typed = "start of it " + "x" * 120 + " end of it"
    async with make_app(board_db).run_test(size=(120, 40)) as pilot:

        async def field_line() -> str:
            lines = (await screen_text(pilot)).splitlines()
            (line,) = [line for line in lines if "▊  " in line and "xxx" in line]
            return line  # the field's left border, then its text

        app = await loaded(pilot)
        await pilot.press("slash", *typed)
        await settle(pilot)
        field = board(app).query_one("#board-filter", Input)
        assert field.value == typed and field.cursor_position == len(typed)
        assert field.scroll_x > 0
        line = await field_line()
        assert "x end of it" in line and "start of it" not in line

        await pilot.press("home")
        await pilot.pause()
        assert field.scroll_x == 0
        line = await field_line()
        assert "start of it" in line and "end of it" not in line


async def test_a_key_of_its_own_is_sent_at_once_and_a_burst_waits_for_its_last_key(
    board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A burst: keys within FILTER_SETTLE_SECONDS of each other. Made an hour long here, so
    # that a key that is sent at all was sent at once.
    monkeypatch.setattr(board_module, "FILTER_SETTLE_SECONDS", 3600.0)
    async with make_app(board_db).run_test(size=(120, 40)) as pilot:
        app = await loaded(pilot)
        await pilot.press("slash")
        field = board(app).query_one("#board-filter", Input)

        field.value = "flak"  # the first key in an hour
        await until(pilot, lambda: app.board_query.text == "flak")
        assert not board(app).filter_pending

        field.value = "flaky"  # right after it: the burst may go on
        await pilot.pause(0.1)
        assert board(app).filter_pending and app.board_query.text == "flak"

        await pilot.press("enter")  # keeps the filter: what is typed is sent
        await until(pilot, lambda: app.board_query.text == "flaky")
        await settle(pilot)
        assert selected_title(app) == "Fix flaky test"


@pytest.mark.parametrize(("waits_from", "waits"), [(1_000_000, False), (1, True)])
async def test_a_short_filter_waits_for_a_next_key_only_on_a_big_board(
    board_db: Path, monkeypatch: pytest.MonkeyPatch, waits_from: int, waits: bool
) -> None:
    # One or two letters scan every card; a board of fewer cards than `waits_from` scans
    # them at once. The wait is made an hour long, so that a key sent at all was not held.
    monkeypatch.setattr(board_module, "SHORT_FILTER_SETTLE_SECONDS", 3600.0)
    monkeypatch.setattr(board_module, "SHORT_FILTER_WAITS_FROM_CARDS", waits_from)
    async with make_app(board_db).run_test(size=(120, 40)) as pilot:
        app = await loaded(pilot)
        assert app.snapshot is not None and app.snapshot.totals.cards > 1
        await pilot.press("slash")
        board(app).query_one("#board-filter", Input).value = "sk"
        if waits:
            await pilot.pause(0.1)
            assert board(app).filter_pending and app.board_query.text == ""
            await pilot.press("enter")  # keeps the filter: what is typed is sent
        else:
            assert not board(app).filter_pending
        await until(pilot, lambda: app.board_query.text == "sk")
        await settle(pilot)
        assert selected_title(app) == "Sketch the API"

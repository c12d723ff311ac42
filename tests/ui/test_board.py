"""The board: lanes with counts, cards with their marks, the header, moving around."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual import events
from textual.geometry import Region
from textual.message import Message
from textual.widget import Widget

from ringmaster_tui.ui.messages import SnapshotLoaded
from ringmaster_tui.ui.screens.card_detail import CardDetailScreen
from ringmaster_tui.ui.widgets.board import LANE_MIN_WIDTH
from ringmaster_tui.ui.widgets.lane import CardParts, LaneList
from tests.builders import DbBuilder, ago, build_standard_board
from tests.ui.helpers import (
    board,
    keys_act_on,
    loaded,
    screen_text,
    selected_title,
    set_state,
    settle,
    until,
)
from tests.ui.snap_apps import make_app

pytestmark = pytest.mark.anyio

WIDE = (250, 40)


async def test_every_lane_shows_its_name_and_count(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=WIDE) as pilot:
        await loaded(pilot)
        text = await screen_text(pilot)

    for header in (
        "DRAFT 2",
        "PLANNING 2",
        "CODING 2",
        "REVIEW 2",
        "TESTING 1",
        "BUILD 2",
        "DEPLOY 1",
        "DONE 1",
        "FAILED 1",
    ):
        assert header in text
    assert "OTHER" not in text
    assert "Old news" not in text  # archived cards are hidden


async def test_header_shows_the_totals_that_need_a_human(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        header = (await screen_text(pilot)).splitlines()[0]

    assert "BOARD all projects" in header
    for total in ("loops 2", "errors 2", "decisions 2", "alerts 2", "(1 crit)"):
        assert total in header


async def test_cards_show_state_priority_loop_cost_and_marks(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=WIDE) as pilot:
        app = await loaded(pilot)
        coding = board(app).columns["CODING"].cards_list
        first, second = (coding.get_option_at_index(i).prompt for i in (0, 1))
        planning = board(app).columns["PLANNING"].cards_list.get_option_at_index(0).prompt

    assert str(first) == "Implement login\ncoding P5 ↻3 $1.25"
    assert str(second) == "Fix flaky test\nerror_fixing ✗2 ⊘blocked P4 ↻7 $2.50"
    # One state in the lane: the card does not repeat it.
    assert str(planning) == "Plan with criteria\nP2"


async def test_cards_are_ordered_by_priority_then_recency(tmp_path: Path) -> None:
    db = tmp_path / "order.db"
    b = DbBuilder(db)
    project = b.project()
    b.card(project, "old low", priority=1, updated_at=ago(hours=5))
    b.card(project, "new low", priority=1, updated_at=ago(hours=1))
    b.card(project, "high", priority=9, updated_at=ago(days=3))
    b.close()
    async with make_app(db).run_test(size=WIDE) as pilot:
        app = await loaded(pilot)
        column = board(app).columns["DRAFT"]
        titles = [card.title for card in column.lane.cards] if column.lane else []

    assert titles == ["high", "new low", "old low"]


async def test_unknown_state_gets_an_other_lane(tmp_path: Path) -> None:
    db = tmp_path / "odd.db"
    b = build_standard_board(db)
    b.conn.execute("PRAGMA ignore_check_constraints = ON")
    b.conn.execute("UPDATE cards SET state = 'quarantined' WHERE title = 'Gave up'")
    b.close()
    async with make_app(db).run_test(size=(300, 40)) as pilot:
        app = await loaded(pilot)
        text = await screen_text(pilot)
        other = board(app).columns["OTHER"].cards_list.get_option_at_index(0).prompt

    assert "OTHER 1" in text, text.splitlines()[1]
    assert "FAILED 0" in text
    assert str(other).startswith("Gave up\nquarantined")


async def test_arrows_and_hjkl_move_across_lanes_and_cards(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=(120, 40)) as pilot:
        app = await loaded(pilot)
        seen = [selected_title(app)]
        for key in ("j", "k", "down", "up", "l", "right", "h", "left", "j", "l"):
            await pilot.press(key)
            seen.append(selected_title(app))

    assert seen == [
        "Sketch the API",
        "Write the plan",
        "Sketch the API",
        "Write the plan",
        "Sketch the API",
        "Plan with criteria",
        "Implement login",
        "Plan with criteria",
        "Sketch the API",
        "Write the plan",
        "Plan without criteria",  # the row is kept when changing lanes
    ]


async def test_a_cursor_move_repaints_the_cards_it_moves_between_not_whole_lanes(
    board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Counted in repaints: focus stays on the board's keys (a focus change restyles a lane
    # and repaints it whole), and a move repaints the lines of the card it leaves and of
    # the card it reaches (two lines and the rule under them), never a whole lane.
    whole: list[str | None] = []
    heights: list[int] = []
    refresh = LaneList.refresh

    def recording(self: LaneList, *regions: Region, **flags: bool) -> LaneList:
        if regions:
            heights.extend(region.height for region in regions)
        else:
            whole.append(self.id)
        return refresh(self, *regions, **flags)

    monkeypatch.setattr(LaneList, "refresh", recording)
    async with make_app(board_db).run_test(size=(120, 40)) as pilot:
        app = await loaded(pilot)
        await settle(pilot)
        keys = board(app).keys
        assert app.screen.focused is keys
        whole.clear()
        seen = []
        for key in ("j", "l", "h", "k", "tab", "shift+tab"):
            await pilot.press(key)
            await pilot.pause()
            seen.append((selected_title(app), app.screen.focused is keys))
        assert seen == [
            ("Write the plan", True),
            ("Plan without criteria", True),
            ("Write the plan", True),
            ("Sketch the API", True),
            ("Plan with criteria", True),
            ("Sketch the API", True),
        ]
        assert whole == []
        assert heights and set(heights) <= {2, 3}


async def test_a_click_on_a_card_of_another_lane_selects_that_lane_and_opens_it(
    board_db: Path,
) -> None:
    async with make_app(board_db).run_test(size=(120, 40)) as pilot:
        app = await loaded(pilot)
        assert board(app).selected_lane == "DRAFT"
        await pilot.click("#cards-planning", offset=(3, 0))
        await until(pilot, lambda: isinstance(app.screen, CardDetailScreen))
        assert app.screen.card.title == "Plan with criteria"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.dashboard)
        assert keys_act_on(app, "PLANNING")
        assert selected_title(app) == "Plan with criteria"


async def test_selection_stays_on_the_same_card_when_data_changes(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=(120, 40)) as pilot:
        app = await loaded(pilot)
        await pilot.press("l", "l", "j")
        assert selected_title(app) == "Fix flaky test"

        # Another writer reorders the lane: the selection moves with the card.
        b = DbBuilder(board_db)
        b.conn.execute("UPDATE cards SET priority = 0 WHERE title = 'Implement login'")
        b.close()
        app.request_reload()
        await settle(pilot)
        assert selected_title(app) == "Fix flaky test"
        assert board(app).columns["CODING"].cards_list.highlighted == 0

        # The card moves to another lane: the selection follows it there.
        set_state(board_db, "Fix flaky test", "code_review")
        app.request_reload()
        await settle(pilot)
        assert selected_title(app) == "Fix flaky test"
        assert keys_act_on(app, "REVIEW")


async def test_a_long_lane_scrolls_says_how_many_more_and_reads_deeper(tmp_path: Path) -> None:
    db = tmp_path / "long.db"
    b = DbBuilder(db)
    project = b.project()
    for n in range(40):
        b.card(project, f"card {n:02d}", priority=100 - n)
    b.close()
    async with make_app(db, per_lane=30).run_test(size=(80, 24)) as pilot:
        app = await loaded(pilot)
        cards = board(app).columns["DRAFT"].cards_list
        text = await screen_text(pilot)
        assert "DRAFT 40 ▼" in text  # the lane's header: more cards than it shows at once
        assert "\n DRAFT 40 " in text  # the lane strip, on the line above the lanes
        more = cards.get_option_at_index(cards.option_count - 1)
        assert more.disabled and str(more.prompt) == "… 10 more; / filters"

        # Scrolled near the last card read, the lane reads on: every card is there.
        await pilot.press("end")
        assert selected_title(app) == "card 29"
        assert cards.scroll_y > 0
        await settle(pilot)
        assert app.board_query.lane_depths == (("DRAFT", 30 + 2 * board(app)._fits),)
        await pilot.press("end")
        text = await screen_text(pilot)

        assert selected_title(app) == "card 39"
        assert "DRAFT 40 ▼" in text
        assert "card 39" in text
        assert not cards.get_option_at_index(cards.option_count - 1).disabled


async def test_lanes_read_what_the_screen_shows_and_a_page_more(tmp_path: Path) -> None:
    db = tmp_path / "long.db"
    b = DbBuilder(db)
    project = b.project()
    for n in range(100):
        b.card(project, f"card {n:02d}", priority=100 - n)
    b.card(project, "a card elsewhere", state="testing")
    b.close()
    async with make_app(db).run_test(size=(80, 24)) as pilot:
        app = await loaded(pilot)
        column = board(app).columns["DRAFT"]
        cards = column.cards_list
        fits = cards.scrollable_content_region.height // 3 + 1
        assert app.board_query.per_lane == 2 * fits
        app.request_reload()  # measured after the first load: from the next one on
        await settle(pilot)
        assert column.card_count == 2 * fits

        # Paging down reads the lane a page at a time, never all of it at once.
        for _ in range(3):
            await pilot.press("pagedown")
            await settle(pilot)
        assert 2 * fits < column.card_count < 100
        assert selected_title(app) in {card.title for card in column.lane.cards}
        assert board(app).columns["TESTING"].card_count == 1

        # A taller terminal: lanes read more at once.
        await pilot.resize_terminal(80, 40)
        await settle(pilot)
        assert app.board_query.per_lane == 2 * (cards.scrollable_content_region.height // 3 + 1)

        # A filter starts every lane from its top again.
        await pilot.press("slash", *"card 1")
        await settle(pilot)
        assert app.board_query.lane_depths == ()
        assert column.card_count == 10  # card 10 … card 19


async def test_a_lane_scrolls_once_new_cards_overflow_it_and_stops_when_they_go(
    tmp_path: Path,
) -> None:
    # A lane's list skips the screen's relayout when its cards change: it has no
    # scrollbar to come or go, and the wheel scrolls it all the same.
    db = tmp_path / "growing.db"
    b = DbBuilder(db)
    project = b.project()
    b.card(project, "first card", state="testing")
    async with make_app(db, per_lane=50).run_test(size=(80, 24)) as pilot:
        app = await loaded(pilot)
        cards = board(app).columns["TESTING"].cards_list
        assert cards.allow_vertical_scroll and cards.max_scroll_y == 0
        assert not cards.show_vertical_scrollbar
        assert cards.scrollable_content_region.width == cards.region.width  # none drawn

        added = [b.card(project, f"new card {n:02d}", state="testing") for n in range(15)]
        app.request_reload()
        await until(pilot, lambda: cards.option_count == 16)
        await pilot.pause()
        assert cards.max_scroll_y > 0
        assert cards.scrollable_content_region.width == cards.region.width
        assert not cards.show_vertical_scrollbar
        cards.post_message(wheel_down(cards))
        await until(pilot, lambda: cards.scroll_y > 0)
        cards.scroll_home(animate=False)
        await pilot.press("end")  # the only lane with cards: its last card
        assert cards.highlighted == 15
        assert cards.scroll_y > 0
        assert "new card 14" in await screen_text(pilot)

        b.conn.execute(f"DELETE FROM cards WHERE id IN ({', '.join('?' * len(added))})", added)
        app.request_reload()
        await until(pilot, lambda: cards.option_count == 1)
        await pilot.pause()
        assert cards.max_scroll_y == 0 and cards.scroll_y == 0
        assert "first card" in await screen_text(pilot)
    b.close()


async def test_rules_part_the_cards_of_a_lane_and_none_follows_the_last(tmp_path: Path) -> None:
    # Options are reused from one refresh to the next: a card that was last (no rule)
    # and is no longer must get its rule, and the new last card must not have one.
    db = tmp_path / "rules.db"
    b = DbBuilder(db)
    project = b.project()
    b.card(project, "top card", priority=9)
    b.card(project, "was last", priority=5)
    async with make_app(db).run_test(size=(80, 24)) as pilot:
        app = await loaded(pilot)
        cards = board(app).columns["DRAFT"].cards_list

        def lane_lines() -> list[str]:
            region = Region(0, 0, cards.size.width, cards.size.height)
            lines = [strip.text.strip() for strip in cards.render_lines(region)]
            return ["rule" if line and set(line) == {"─"} else line for line in lines if line]

        assert lane_lines() == ["top card", "P9", "rule", "was last", "P5"]

        added = b.card(project, "now last", priority=1)
        app.request_reload()
        await until(pilot, lambda: cards.option_count == 3)
        await pilot.pause()
        assert lane_lines()[3:] == ["was last", "P5", "rule", "now last", "P1"]

        b.conn.execute("DELETE FROM cards WHERE id = ?", (added,))  # last again: no rule
        app.request_reload()
        await until(pilot, lambda: cards.option_count == 2)
        await pilot.pause()
        assert lane_lines() == ["top card", "P9", "rule", "was last", "P5"]
    b.close()


async def test_narrow_terminal_shows_whole_lanes_and_scrolls_sideways(board_db: Path) -> None:
    async with make_app(board_db).run_test(size=(80, 24)) as pilot:
        app = await loaded(pilot)
        lanes = app.query_one("#lanes")
        columns = [c for c in board(app).columns.values() if c.display]
        widths = {c.outer_size.width for c in columns}
        assert min(widths) >= LANE_MIN_WIDTH
        assert sum(c.outer_size.width for c in columns[:3]) <= lanes.size.width

        for _ in range(5):
            await pilot.press("l")
        await pilot.pause()
        assert keys_act_on(app, "BUILD")
        assert lanes.scroll_x > 0
        region = board(app).columns["BUILD"].region
        assert lanes.region.x <= region.x and region.right <= lanes.region.right
        # No two lanes share a cell.
        shown = [c.region for c in columns if c.region.width]
        for i, one in enumerate(shown):
            for other in shown[i + 1 :]:
                assert not one.overlaps(other)


async def test_reload_requests_coalesce_from_any_thread(board_db: Path) -> None:
    loads: list[Message] = []

    def hook(message: Message) -> None:
        if isinstance(message, SnapshotLoaded):
            loads.append(message)

    async with make_app(board_db).run_test(size=(120, 40), message_hook=hook) as pilot:
        app = await loaded(pilot)
        before = len(loads)
        set_state(board_db, "Write the plan", "planning")
        threads = [
            threading.Thread(target=lambda: [app.request_reload() for _ in range(100)])
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        await settle(pilot)
        await until(pilot, lambda: board(app).columns["PLANNING"].card_count == 3)

    # 400 requests: one load ran, at most one more was pending after each.
    assert 1 <= len(loads) - before <= 10


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40)])
async def test_the_lane_strip_names_every_lane_with_its_count_at_any_size(
    board_db: Path, size: tuple[int, int]
) -> None:
    async with make_app(board_db).run_test(size=size) as pilot:
        app = await loaded(pilot)
        strip = (await screen_text(pilot)).splitlines()[1]
        lanes = [c for c in board(app).columns.values() if c.display]
        assert len(lanes) == 9
        # Each lane's name (its short name, cut where room is short) and count, in order.
        words = strip.split()
        pairs = list(zip(words[::2], words[1::2], strict=True))
        assert [int(count) for _, count in pairs] == [c.lane.count for c in lanes if c.lane]
        for (name, _), column in zip(pairs, lanes, strict=True):
            short = app.source.workflow.lanes[lanes.index(column)].short
            assert len(name) >= 3 and (column.lane_name.startswith(name) or short.startswith(name))
        assert len(strip.rstrip()) <= size[0]
        # The strip follows the selection: the selected lane is the one highlighted.
        await pilot.press("l")
        assert board(app).strip._entries[1].current


async def test_cards_without_a_title_are_told_apart_by_their_id(tmp_path: Path) -> None:
    db = tmp_path / "blank.db"
    b = DbBuilder(db)
    project = b.project()
    empty = b.card(project, "")
    blank = b.card(project, "   \t ")
    b.close()
    async with make_app(db).run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        text = await screen_text(pilot)
    assert f"(no title: {empty})" in text
    assert f"(no title: {blank})" in text


def wheel_down(widget: Widget) -> events.MouseScrollDown:
    """One turn of the mouse wheel over `widget`."""
    return events.MouseScrollDown(widget, 1, 1, 0, 1, 0, False, False, False)


async def test_a_new_theme_draws_every_card_in_its_colours_and_keeps_the_selection(
    board_db: Path,
) -> None:
    # Cards carry their colours in their text: a lane whose cards did not change would
    # keep the old theme's until they did. Keys and focus changes restyle nothing of it.
    restyled: list[Message] = []

    def hook(message: Message) -> None:
        if isinstance(message, CardParts.Restyled):
            restyled.append(message)

    app = make_app(board_db)
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await loaded(pilot)
        await pilot.press("l", "j")
        chosen = selected_title(app)
        cards = board(app).columns["PLANNING"].cards_list

        def title_style() -> set[str]:  # the title in bold, its priority in a colour
            return {str(span.style) for span in cards.get_option_at_index(0).prompt.spans}

        before = title_style()
        for key in ("slash", "escape", "question_mark", "escape", "h", "l"):
            await pilot.press(key)
            await pilot.pause()
        assert restyled == []

        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await until(pilot, lambda: title_style() != before)
        await pilot.pause()
        assert restyled  # Textual restyles twice for a theme: once or twice redrawn
        assert selected_title(app) == chosen
        assert keys_act_on(app, "PLANNING")

"""Keys first: what a key asks for reaches the screen without waiting behind refreshes.

Counted in steps, not time: which loads waited for the keys to pause, which snapshots
were held back, and what the screen did between a key and its first frame.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime
from pathlib import Path

import pytest
from textual._compositor import Compositor
from textual.message import Message

from ringmaster_tui.domain.snapshot import BoardQuery, Snapshot
from ringmaster_tui.ui.messages import FilterChanged, SnapshotLoaded
from ringmaster_tui.ui.screens.dashboard import DashboardScreen
from tests.ui.helpers import board, loaded, selected_title, settle, until
from tests.ui.snap_apps import make_app

pytestmark = pytest.mark.anyio

# Far enough ahead that a key "just pressed" stays just pressed for the whole test.
KEY_AHEAD_SECONDS = 30.0
# A pause between two loads far longer than the test waits for anything.
PAUSE_SECONDS = 40.0


async def test_a_filter_is_read_without_waiting_for_the_keys_to_pause(
    board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(board_db)
    steps: list[tuple[str, str]] = []
    """("read", filter) for each load; ("wait", filter shown by then) for each time the
    loader slept: waiting for the keys to pause, or between two loads."""
    snapshot, wait = app.source.snapshot, app._query_asked.wait

    def reading(query: BoardQuery, now: datetime) -> Snapshot:
        steps.append(("read", query.text))
        return snapshot(query, now)

    def waiting(timeout: float | None = None) -> bool:
        steps.append(("wait", app.board_query.text))
        return wait(timeout)

    monkeypatch.setattr(app.source, "snapshot", reading)
    monkeypatch.setattr(app._query_asked, "wait", waiting)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await settle(pilot)
        app._input_at = time.monotonic() + KEY_AHEAD_SECONDS  # a key pressed just now
        app.post_message(FilterChanged("criteria"))  # what typing it into the field sends
        await until(pilot, lambda: ("read", "criteria") in steps)
        assert ("wait", "criteria") not in steps, "the load the filter asked for waited"

        await until(
            pilot, lambda: app.snapshot is not None and app.snapshot.query.text == "criteria"
        )
        app.request_reload()  # a commit's refresh, the key still just pressed: it waits
        await until(pilot, lambda: steps.count(("read", "criteria")) == 2)
    assert ("wait", "criteria") in steps


async def test_a_filter_typed_while_the_loader_pauses_between_loads_is_read_at_once(
    board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under a stream of commits the loader pauses between loads (live/pacing.py); a
    filter typed meanwhile ends the pause rather than waiting for it to run out."""
    app = make_app(board_db)
    reads: list[str] = []
    commit_during_next_read = threading.Event()
    snapshot = app.source.snapshot

    def reading(query: BoardQuery, now: datetime) -> Snapshot:
        reads.append(query.text)
        if commit_during_next_read.is_set():
            commit_during_next_read.clear()
            app.request_reload()  # what the change feed does when a commit lands
        return snapshot(query, now)

    monkeypatch.setattr(app.source, "snapshot", reading)
    monkeypatch.setattr("ringmaster_tui.ui.app.pause_between_loads", lambda *_: PAUSE_SECONDS)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await settle(pilot)
        commit_during_next_read.set()
        app.request_reload()
        await until(pilot, lambda: not commit_during_next_read.is_set())  # now it pauses
        app.post_message(FilterChanged("criteria"))
        await until(pilot, lambda: "criteria" in reads, timeout=PAUSE_SECONDS / 2)
        await until(pilot, lambda: selected_title(app) == "Plan with criteria")


async def test_the_snapshot_a_filter_asked_for_is_not_held_behind_keys(board_db: Path) -> None:
    shown: list[str] = []
    """The filter of each SnapshotLoaded: a snapshot held back is posted again later."""

    def hook(message: Message) -> None:
        if isinstance(message, SnapshotLoaded):
            shown.append(message.snapshot.query.text)

    app = make_app(board_db)
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await loaded(pilot)
        app._input_at = time.monotonic() + KEY_AHEAD_SECONDS  # a key pressed just now
        app.post_message(FilterChanged("criteria"))  # what typing it into the field sends
        await until(
            pilot, lambda: app.snapshot is not None and app.snapshot.query.text == "criteria"
        )
        assert selected_title(app) == "Plan with criteria"
        assert app.snapshot is not None
        refresh = app.snapshot.model_copy()  # the same question again: a commit's refresh
        assert app._hold_for_input(refresh), "a refresh right after a key waits for the keys"
    assert shown.count("criteria") == 1, "shown when it came, not held and posted again"


async def test_a_lane_move_draws_its_first_frame_without_a_layout_or_a_full_repaint(
    board_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The strip and the two lanes change; nothing changes size, nothing else changes,
    before the first frame or after it."""
    steps: list[str] = []
    full, partial = Compositor.render_full_update, Compositor.render_partial_update

    def render_full(compositor: Compositor, simplify: bool = False) -> object:
        steps.append("full repaint")
        return full(compositor, simplify=simplify)

    def render_partial(compositor: Compositor) -> object:
        steps.append("partial repaint")
        return partial(compositor)

    layout = DashboardScreen._refresh_layout

    def refresh_layout(screen: DashboardScreen, *args: object, **kwargs: object) -> None:
        steps.append("layout")
        layout(screen, *args, **kwargs)  # type: ignore[arg-type]

    app = make_app(board_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await settle(pilot)
        before = board(app)._current_lane
        monkeypatch.setattr(Compositor, "render_full_update", render_full)
        monkeypatch.setattr(Compositor, "render_partial_update", render_partial)
        monkeypatch.setattr(DashboardScreen, "_refresh_layout", refresh_layout)
        await pilot.press("l")
        await until(pilot, lambda: board(app)._current_lane != before and steps)
        columns = board(app).columns
        assert columns[board(app)._current_lane or ""].header.has_class("-current")
        assert not columns[before or ""].header.has_class("-current")
        assert steps[0] == "partial repaint", steps
        await settle(pilot)  # the footer is not rebuilt either: the lanes have the same keys
        await pilot.pause(0.1)
    assert "layout" not in steps, steps


async def test_the_filter_field_opens_over_the_lanes_without_resizing_them(
    board_db: Path,
) -> None:
    """Opening the field used to take three rows from every lane: each was laid out and
    drawn again before the field showed."""
    app = make_app(board_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await settle(pilot)
        columns = list(board(app).columns.values())
        sizes = [(column.size, column.cards_list.size) for column in columns]
        await pilot.press("slash")
        field = board(app)._filter
        await until(pilot, lambda: field.visible and field.has_focus and field.size.height)
        await settle(pilot)
        assert [(column.size, column.cards_list.size) for column in columns] == sizes
        lanes = app.screen.query_one("#lanes").region
        assert field.region.bottom == lanes.bottom, "the field sits at the lanes' foot"

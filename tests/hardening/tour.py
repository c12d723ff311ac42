"""A walk through every screen of the app, for the hardening tests to run over damaged data.

The walk opens each view, each card's detail, each listed error and decision and each
attempt's review, and returns what it saw; any exception inside the app fails the test
(Pilot re-raises it when the app exits).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from ringmaster_tui.ui.app import RingmasterApp
from ringmaster_tui.ui.screens.card_detail import CardDetailScreen
from ringmaster_tui.ui.screens.decision_dialog import DecisionScreen
from ringmaster_tui.ui.screens.error_detail import ErrorDetailScreen
from ringmaster_tui.ui.screens.review import ReviewScreen
from tests.ui.helpers import board, screen_text, terminal_output, until, view_read

VIEW_KEYS = {
    "board": "1",
    "loops": "2",
    "errors": "3",
    "decisions": "4",
    "alerts": "5",
    "metrics": "6",
}


@dataclass
class Seen:
    """The text of each screen visited, and the raw terminal output of all of them."""

    screens: dict[str, str] = field(default_factory=dict)
    output: list[str] = field(default_factory=list)

    async def look(self, pilot: Pilot[Any], name: str) -> str:
        app = pilot.app
        assert isinstance(app, RingmasterApp)
        text = await screen_text(pilot)
        self.screens[name] = text
        self.output.append(terminal_output(app))
        return text


def dump(db: Path) -> list[str]:
    """Every row of the database as SQL: equal dumps mean nothing was written."""
    with closing(sqlite3.connect(db)) as conn:
        conn.text_factory = lambda raw: raw.decode("utf-8", "replace")
        return list(conn.iterdump())


async def first_load(pilot: Pilot[Any]) -> RingmasterApp:
    app = pilot.app
    assert isinstance(app, RingmasterApp)
    await until(pilot, lambda: app.snapshot is not None, timeout=20)
    await pilot.pause()
    return app


async def tour(pilot: Pilot[Any], *, reviews: bool = True) -> Seen:
    """Every view, every card on the board, the first error, decision and attempt."""
    app = await first_load(pilot)
    seen = Seen()
    for name, key in VIEW_KEYS.items():
        await pilot.press(key)
        await until(pilot, lambda name=name: view_read(app, name), timeout=20)
        await seen.look(pilot, name)
    await pilot.press("1")
    assert app.snapshot is not None
    for lane in app.snapshot.lanes:
        for card in lane.cards:
            assert board(app).select_card(card.id)
            await pilot.press("enter")
            await until(pilot, lambda: _detail_loaded(app), timeout=20)
            await seen.look(pilot, f"card {card.id}")
            if reviews and _has_attempts(app):
                await pilot.press("enter")
                await until(pilot, lambda: _review_loaded(app), timeout=30)
                await seen.look(pilot, f"review {card.id}")
                await pilot.press("o")
                await seen.look(pilot, f"output {card.id}")
                await pilot.press("escape")
            await pilot.press("escape")
            await pilot.pause()
    for name, opened, loaded in (
        ("errors", "error", _error_loaded),
        ("decisions", "decision", _decision_loaded),
    ):
        await pilot.press(VIEW_KEYS[name])
        await until(pilot, lambda name=name: view_read(app, name))
        if getattr(app.snapshot, name):
            await pilot.press("enter")
            await until(pilot, lambda loaded=loaded: loaded(app), timeout=20)
            await seen.look(pilot, opened)
            await pilot.press("escape")
    return seen


def _detail_loaded(app: RingmasterApp) -> bool:
    screen = app.screen
    return isinstance(screen, CardDetailScreen) and screen.detail is not None


def _has_attempts(app: RingmasterApp) -> bool:
    screen = app.screen
    return isinstance(screen, CardDetailScreen) and bool(screen.detail and screen.detail.attempts)


def _review_loaded(app: RingmasterApp) -> bool:
    screen = app.screen
    return isinstance(screen, ReviewScreen) and screen.data is not None and not screen.busy


def _error_loaded(app: RingmasterApp) -> bool:
    screen = app.screen
    return isinstance(screen, ErrorDetailScreen) and screen.detail is not None


def _decision_loaded(app: RingmasterApp) -> bool:
    screen = app.screen
    return isinstance(screen, DecisionScreen) and screen.detail is not None

"""The board's keyboard: where focus stays while the lanes are browsed.

The lanes never take focus. A focus change restyles the widget it leaves and the one it
enters, and a list restyled is repainted whole: moving focus from lane to lane made a
lane move repaint two full lanes, where only two cards and two headers change. So one
widget, never drawn, holds focus and its keys act on the selected lane's list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget
from textual.widgets import OptionList


class LaneKeys(Widget, can_focus=True):
    """The keys of the selected lane: a cursor over its cards, open one, or step a lane."""

    HELP_GROUP: ClassVar[str] = "Cards"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "on_list('select')", "Open", id="card.open"),
        Binding("down,j", "on_list('cursor_down')", "Down", show=False, id="move.down"),
        Binding("up,k", "on_list('cursor_up')", "Up", show=False, id="move.up"),
        Binding("home", "on_list('first')", "First", show=False, id="move.first"),
        Binding("end", "on_list('last')", "Last", show=False, id="move.last"),
        Binding("pageup", "on_list('page_up')", "Page Up", show=False, id="move.page_up"),
        Binding("pagedown", "on_list('page_down')", "Page Down", show=False, id="move.page_down"),
        # Tab too: it went from lane to lane when each lane took focus.
        Binding("left,h,shift+tab", "step_lane(-1)", "Lane left", show=False, id="move.left"),
        Binding("right,l,tab", "step_lane(1)", "Lane right", show=False, id="move.right"),
    ]
    # What on_list may do: the list's own actions of these names (OptionList.action_*).
    LIST_ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {"select", "cursor_down", "cursor_up", "first", "last", "page_up", "page_down"}
    )

    class StepLane(Message):
        """The user asked for the lane to the left (-1) or right (+1)."""

        def __init__(self, direction: int) -> None:
            super().__init__()
            self.direction = direction

    def __init__(self, selected_list: Callable[[], OptionList | None]) -> None:
        super().__init__(id="lane-keys")
        self._selected_list = selected_list

    def action_on_list(self, action: str) -> None:
        """The selected lane's list does `action` (its cursor moves, or it opens a card)."""
        cards = self._selected_list()
        if cards is not None and action in self.LIST_ACTIONS:
            getattr(cards, f"action_{action}")()

    def action_step_lane(self, direction: int) -> None:
        self.post_message(self.StepLane(direction))

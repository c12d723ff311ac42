"""The board: one column per lane, a selected card, a text filter and the card keys.

It never touches the database: each key becomes a message the app acts on.
The selection is a lane and a row of that lane's list; only that list shows a highlight.
"""

from __future__ import annotations

import math
import time
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.css.scalar import Scalar
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList

from ringmaster_tui.domain.snapshot import CardSummary, Snapshot
from ringmaster_tui.domain.workflow import HIDDEN_LANE, OTHER_LANE, Workflow
from ringmaster_tui.ui.card_actions import Intent
from ringmaster_tui.ui.formatting import quoted_filter
from ringmaster_tui.ui.messages import (
    CardIntent,
    FilterChanged,
    LaneDeeper,
    LanesFit,
    OpenCard,
    UndoRequested,
)
from ringmaster_tui.ui.safe_text import safe_text
from ringmaster_tui.ui.widgets.dashboard_view import DashboardView
from ringmaster_tui.ui.widgets.filter_input import FilterInput
from ringmaster_tui.ui.widgets.lane import CARD_LINES, CardParts, LaneColumn, LaneList
from ringmaster_tui.ui.widgets.lane_keys import LaneKeys
from ringmaster_tui.ui.widgets.lane_strip import LaneStrip, StripEntry
from ringmaster_tui.ui.widgets.read_ahead import ListFits, ListNearEnd

# A lane is at least this wide; as many lanes as fit share the width, the rest scroll.
LANE_MIN_WIDTH = 24
# An empty lane shrinks to its header.
EMPTY_LANE_WIDTH = 12
# Keys typed in a burst (a paste, keys faster than a frame) make one load rather than one
# per key: a key that follows another within this time waits for the next one. A burst
# arrives within a few ms; a person types 100 ms or more apart, and each key is sent at once.
FILTER_SETTLE_SECONDS = 0.015
# A filter of fewer than three characters cannot use the text index: on a big board it
# scans every card (about 0.3 s for 100,000). There it waits for a next key this much
# longer, so a burst that reaches the app in two pieces does not pay for that scan on the
# way. A board of fewer cards scans them in a few ms: its short filters are sent at once.
SHORT_FILTER_CHARS = 3
SHORT_FILTER_SETTLE_SECONDS = 0.15
SHORT_FILTER_WAITS_FROM_CARDS = 5_000


class BoardView(DashboardView):
    HELP_GROUP: ClassVar[str] = "Board"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "intent('approve')", "Approve", id="card.approve"),
        Binding("r", "intent('reject')", "Reject", id="card.reject"),
        Binding("A", "intent('archive')", "Archive", id="card.archive"),
        Binding("c", "intent('comment')", "Comment", id="card.comment"),
        Binding("f", "intent('force')", "Force", id="card.force"),
        Binding("u", "undo", "Undo", id="board.undo"),
        Binding("slash", "filter", "Filter", id="board.filter"),
        Binding("escape", "clear_filter", "Clear filter", id="board.clear_filter"),
    ]

    def __init__(self, workflow: Workflow, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._card_parts = CardParts()
        # Every lane a snapshot can hold; OTHER and ARCHIVED stay hidden until one has them.
        self.columns: dict[str, LaneColumn] = {
            lane.name: LaneColumn(
                lane, self._card_parts, shows_state=workflow.shows_state(lane.name)
            )
            for lane in workflow.all_lanes()
        }
        self._lanes = {lane.name: lane for lane in workflow.all_lanes()}
        self.strip = LaneStrip()
        self.keys = LaneKeys(self._selected_list)
        self.lanes = Horizontal(id="lanes")
        for name in (OTHER_LANE, HIDDEN_LANE):
            self.columns[name].display = False
        self._unbind_intents_without_moves(workflow)
        self._current_lane: str | None = None
        self._shown_filter = ""
        self._filter = FilterInput(
            id="board-filter",
            placeholder="filter titles and descriptions (enter keeps, esc clears)",
        )
        self._empty = Label("", id="board-empty")
        self._filter_timer: Timer | None = None
        self._filter_typed_at = -math.inf
        """When the last key was typed into the filter (time.monotonic())."""
        self._board_cards = 0
        """How many cards the board holds unfiltered (its last unfiltered snapshot)."""
        self._fits = 0
        """How many cards a lane shows at once: a page, when reading a lane deeper."""

    def compose(self) -> ComposeResult:
        yield self._card_parts  # first: the lanes' cards take their styles from it
        yield self.strip
        yield self.keys
        with self.lanes:
            yield from self.columns.values()
        yield self._empty
        yield self._filter

    # --- what is selected ---

    @property
    def selected_lane(self) -> str | None:
        return self._current_lane

    @property
    def selected_card(self) -> CardSummary | None:
        column = self._selected_column()
        if column is None:
            return None
        return column.card_at(column.cards_list.highlighted)

    def _selected_column(self) -> LaneColumn | None:
        return self.columns.get(self._current_lane or "")

    def _selected_list(self) -> LaneList | None:
        column = self._selected_column()
        return column.cards_list if column is not None else None

    def _visible_columns(self) -> list[LaneColumn]:
        return [c for c in self.columns.values() if c.display]

    def _select(self, lane_name: str, row: int, *, focus: bool) -> None:
        """Select `row` of a lane; every other lane loses its highlight."""
        self._current_lane = lane_name
        for name, column in self.columns.items():
            # On the header alone: a class on the lane would restyle its list and cards.
            column.header.set_class(name == lane_name, "-current")
            if name != lane_name:
                column.cards_list.highlighted = None
        column = self.columns[lane_name]
        column.cards_list.highlighted = min(row, max(column.card_count - 1, 0))
        self._show_strip()
        # Lanes that overflow the width scroll sideways to the selected one (focus, which
        # stays on LaneKeys, would not bring it into view).
        self.lanes.scroll_to_widget(column, animate=False)
        if focus:
            self.keys.focus()

    def select_card(self, card_id: str, *, focus: bool = True) -> bool:
        """Select the card with `card_id` wherever it is; False when it is not shown."""
        for column in self._visible_columns():
            row = column.index_of(card_id)
            if row is None:
                continue
            already = (
                column.lane_name == self._current_lane and column.cards_list.highlighted == row
            )
            if not already or (focus and not self.keys.has_focus):
                self._select(column.lane_name, row, focus=focus)  # a repaint of the lane
            return True
        return False

    def _select_first_card(self, *, focus: bool) -> None:
        for column in self._visible_columns():
            if column.card_count:
                self._select(column.lane_name, 0, focus=focus)
                return
        self._current_lane = None
        for column in self.columns.values():
            column.header.remove_class("-current")
        self._show_strip()

    def _lanes_have_focus(self) -> bool:
        return self.screen.focused is self.keys

    def focus_view(self) -> None:
        column = self._selected_column()
        if column is not None and column.card_count:
            self.keys.focus()
        else:
            self._select_first_card(focus=True)

    # --- new data ---

    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Update the lanes in place; the selection follows the same card by id."""
        selected = self.selected_card
        previous_lane = self._current_lane
        previous_row = self.columns[previous_lane].cards_list.highlighted if previous_lane else None
        if not snapshot.query.text:
            self._board_cards = snapshot.totals.cards
        shown = {lane.name for lane in snapshot.lanes}
        for lane in snapshot.lanes:
            self.columns[lane.name].show(lane)
        for name, column in self.columns.items():
            if column.display != (name in shown):  # setting it at all costs a relayout
                column.display = name in shown
        self._fit_lanes(keep_widths=bool(snapshot.query.text))
        self._show_empty_message(snapshot)
        self._show_strip()

        focus = self._lanes_have_focus() or self.screen.focused is None
        text = snapshot.query.text
        filter_changed, self._shown_filter = text != self._shown_filter, text
        if filter_changed and text:
            # A new filter: its first match is selected (the filter keeps the keyboard).
            self._select_first_card(focus=focus)
        elif selected is None or not self.select_card(selected.id, focus=focus):
            self._select_near(previous_lane, previous_row or 0, focus=focus)

    def _select_near(self, lane_name: str | None, row: int, *, focus: bool) -> None:
        """The selected card is gone: stay in its lane at the same height, if possible."""
        column = self.columns.get(lane_name or "")
        if column is not None and column.display and column.card_count:
            self._select(column.lane_name, row, focus=focus)
        else:
            self._select_first_card(focus=focus)

    def _show_strip(self) -> None:
        self.strip.show(
            [
                StripEntry(
                    column.lane_name,
                    self._lanes[column.lane_name].short,
                    column.lane.count if column.lane else 0,
                    self._lanes[column.lane_name].tone,
                    current=column.lane_name == self._current_lane,
                )
                for column in self._visible_columns()
            ]
        )

    def on_resize(self) -> None:
        self._fit_lanes()

    def _fit_lanes(self, *, keep_widths: bool = False) -> None:
        """Whole lanes only: as many as fit at LANE_MIN_WIDTH share the width exactly.

        `keep_widths`: while a filter is on, lanes keep their widths. Re-fitting them at
        each keystroke lays out and repaints the whole screen, about 200 ms at 120x40.
        """
        if keep_widths:
            return
        columns = self._visible_columns()
        full = [c for c in columns if not c.is_empty]
        spare = self.size.width - EMPTY_LANE_WIDTH * (len(columns) - len(full))
        fitting = min(max(spare // LANE_MIN_WIDTH, 1), max(len(full), 1))
        width = max(spare // fitting, LANE_MIN_WIDTH)
        for column in columns:
            wanted = EMPTY_LANE_WIDTH if column.is_empty else width
            if column.styles.width != Scalar.from_number(wanted):  # a change costs a relayout
                column.styles.width = wanted

    def _show_empty_message(self, snapshot: Snapshot) -> None:
        empty = not any(lane.count for lane in snapshot.lanes)
        if self._empty.display != empty:
            self._empty.display = empty
        if not empty:
            return
        if snapshot.query.text:
            message = safe_text(
                f"No card matches {quoted_filter(snapshot.query.text)}. Escape clears the filter.",
                one_line=True,
            )
        else:
            message = safe_text("No cards here yet.")
        self._empty.update(message)

    # --- keys ---

    @on(CardParts.Restyled)
    def _cards_restyled(self, message: CardParts.Restyled) -> None:
        """A new theme: every card is drawn again in its colours, the selection kept."""
        message.stop()
        selected = self.selected_card
        for column in self.columns.values():
            column.redraw()
        if selected is not None:
            self.select_card(selected.id, focus=self._lanes_have_focus())

    @on(ListFits)
    def _lanes_resized(self, message: ListFits) -> None:
        message.stop()  # every lane has the same height: the app hears it once per size
        cards = message.lines // CARD_LINES + 1  # the last one cut at the foot
        for column in self.columns.values():
            column.show_fits(message.lines // CARD_LINES)  # whole cards, for the ▼ mark
        if cards != self._fits:
            self._fits = cards
            self.post_message(LanesFit(cards))

    @on(ListNearEnd)
    def _read_deeper(self, message: ListNearEnd) -> None:
        message.stop()
        column = message.scrolled.parent
        if not isinstance(column, LaneColumn) or column.lane is None:
            return
        read = len(column.lane.cards)
        if column.lane.count > read:
            self.post_message(LaneDeeper(column.lane_name, read + 2 * max(self._fits, 1)))

    @on(LaneKeys.StepLane)
    def _step_lane(self, message: LaneKeys.StepLane) -> None:
        message.stop()
        self.move_lane(message.direction)

    def move_lane(self, direction: int) -> None:
        columns = [c for c in self._visible_columns() if c.card_count]
        if not columns:
            return
        names = [c.lane_name for c in columns]
        if self._current_lane not in names:
            self._select(names[0], 0, focus=True)
            return
        index = names.index(self._current_lane)
        target = min(max(index + direction, 0), len(names) - 1)
        row = self.columns[self._current_lane].cards_list.highlighted or 0
        self._select(names[target], row, focus=True)

    def _unbind_intents_without_moves(self, workflow: Workflow) -> None:
        """A card key the source's workflow gives no move (and undo, when it has no undo
        trigger) is neither shown nor bound."""
        offered = {move.intent.value for move in workflow.moves}
        if workflow.force_trigger is not None:
            offered.add(Intent.FORCE.value)
        keys = self._bindings.key_to_bindings

        def absent(action: str) -> bool:
            return _intent_absent(action, offered) or (
                action == "undo" and workflow.undo_trigger is None
            )

        for key, bindings in list(keys.items()):
            kept = [b for b in bindings if not absent(b.action)]
            if kept:
                keys[key] = kept
            else:
                del keys[key]

    def action_intent(self, intent: str) -> None:
        card = self.selected_card
        if card is None:
            self.notify("No card is selected.", severity="warning")
            return
        self.post_message(CardIntent(card, Intent(intent)))

    def action_undo(self) -> None:
        self.post_message(UndoRequested())

    def action_filter(self) -> None:
        self._filter.open()

    def action_clear_filter(self) -> None:
        self._filter.value = ""  # posts Input.Changed, which clears the app's query
        self._filter.close()
        self.focus_view()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            return bool(self._filter.value) or self._filter.has_focus
        return True

    @on(Input.Changed, "#board-filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        event.stop()
        typed_at, self._filter_typed_at = self._filter_typed_at, time.monotonic()
        in_burst = self._filter_typed_at - typed_at < FILTER_SETTLE_SECONDS
        if self._filter_timer is not None:
            self._filter_timer.stop()
        short = (
            len(event.value) < SHORT_FILTER_CHARS
            and self._board_cards >= SHORT_FILTER_WAITS_FROM_CARDS
        )
        if not event.value or not (in_burst or short):
            self._send_filter()  # cleared, or a key of its own: at once
        else:
            settle = SHORT_FILTER_SETTLE_SECONDS if short else FILTER_SETTLE_SECONDS
            self._filter_timer = self.set_timer(settle, self._send_filter)

    def _send_filter(self) -> None:
        self._filter_timer = None
        self.post_message(FilterChanged(self._filter.value))

    @property
    def filter_pending(self) -> bool:
        """Typed text not yet sent (the keys may still be coming)."""
        return self._filter_timer is not None

    @on(Input.Submitted, "#board-filter")
    def _filter_kept(self, event: Input.Submitted) -> None:
        event.stop()
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._send_filter()
        self._filter.close()
        self.focus_view()

    @on(OptionList.OptionSelected)
    def _card_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        column = event.option_list.parent
        card = column.card_at(event.option_index) if isinstance(column, LaneColumn) else None
        if card is not None:
            self.post_message(OpenCard(card))

    @on(OptionList.OptionHighlighted)
    def _lane_clicked(self, event: OptionList.OptionHighlighted) -> None:
        """A card of another lane was highlighted (a click): its lane becomes the selected
        one. The board highlights cards of the selected lane alone."""
        event.stop()
        column = event.option_list.parent
        if isinstance(column, LaneColumn) and column.lane_name != self._current_lane:
            self._select(column.lane_name, event.option_index, focus=True)


def _intent_absent(action: str, offered: set[str]) -> bool:
    """`action` is a card key ("intent('approve')") for an intent not offered."""
    return action.startswith("intent(") and action[len("intent('") : -2] not in offered

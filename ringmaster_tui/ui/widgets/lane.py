"""One board lane: its header (name and count) and its cards, two lines each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Self

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ringmaster_tui.domain.snapshot import CardSummary, LaneView
from ringmaster_tui.domain.workflow import Lane, Tone
from ringmaster_tui.ui.formatting import fact_text, money
from ringmaster_tui.ui.safe_text import safe_text
from ringmaster_tui.ui.widgets.read_ahead import ReadsAhead

# A card's two lines and the rule under it.
CARD_LINES = 3

ERRORS_MARK = "✗"
BLOCKED_MARK = "⊘"
LOOP_MARK = "↻"


def untitled(card_id: str) -> str:
    """What stands for a card's empty, blank or missing title."""
    return f"(no title: {card_id})"


class CardParts(Widget):
    """The styles of a card's parts (title, state, cost, ...), one set for every lane.

    Never shown. The lists take their card styles from here rather than carrying them as
    component classes of their own: a widget restyled (a class, focus or theme changed)
    restyles each of its component classes too, about 1 ms a class, so nine lanes would
    each pay for fifteen.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "card--title",
        "card--state",
        "card--priority",
        "card--loop",
        "card--cost",
        "card--errors",
        "card--blocked",
        "card--more",
        *(f"card--tone-{tone}" for tone in Tone),
    }

    class Restyled(Message):
        """The parts' styles changed (a new theme): cards drawn with the old are stale."""

    def __init__(self) -> None:
        super().__init__()
        self._styles: tuple[Style, ...] = ()

    def style(self, part: str) -> Style:
        # partial: the span keeps the option's background (the highlight shows through)
        return self.get_component_rich_style(part, partial=True)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # Called before the component classes are restyled: compare once they are.
        self.call_after_refresh(self._compare_styles)

    def _compare_styles(self) -> None:
        styles = tuple(self.style(part) for part in sorted(self.COMPONENT_CLASSES))
        changed = bool(self._styles) and styles != self._styles
        self._styles = styles
        if changed:
            self.post_message(self.Restyled())


class LaneList(ReadsAhead, OptionList, can_focus=False):
    """The cards of one lane; renders only the visible lines, however many cards.

    Never focused: the board's LaneKeys holds focus and moves this list's highlight.
    """

    # A new highlight repaints the lines of the card it leaves and the one it reaches,
    # not the whole list (watch_highlighted): most of a cursor move's cost otherwise.
    highlighted: reactive[int | None] = reactive(None, repaint=False)

    def __init__(self, parts: CardParts, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self._parts = parts
        self._painted_highlight: int | None = None
        """The option drawn highlighted: its lines are repainted when the highlight moves."""
        self._card_options: dict[tuple[CardSummary, bool], Option] = {}
        """The options of the cards shown, by card: a refresh makes new ones only for the
        cards that changed, and the list measures only those (its costly part)."""

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        # A new number of cards changes the list's virtual size, which asks for a layout
        # of the whole screen (about half of a refresh's cost). The lane sizes the list,
        # not its content, and the list has no scrollbar to come or go: none is needed.
        if layout and not recompose and not self.styles.auto_dimensions:
            layout = False
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    @property
    def allow_vertical_scroll(self) -> bool:
        # The wheel scrolls the list, which has no scrollbar (overflow-y: hidden). A
        # scrollbar, even 0 wide, is refreshed at every restyle (each focus change): being
        # never on screen, that makes the screen map every widget again.
        return self.is_scrollable and not self._check_disabled()

    def forget_prompts(self) -> None:
        """Prompts carry the card part styles they were made with: new ones are made."""
        self._card_options.clear()

    def card_options(self, cards: Sequence[CardSummary], *, show_state: bool) -> list[Option]:
        """An option per card, reusing those of the cards unchanged since the last call."""
        known, self._card_options = self._card_options, {}
        for card in cards:
            key = (card, show_state)
            option = known.get(key)
            if option is None:
                option = Option(self.card_prompt(card, show_state=show_state), card.id)
            self._card_options[key] = option
        return [self._card_options[(card, show_state)] for card in cards]

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        self._refresh_option(self._painted_highlight)
        self._refresh_option(highlighted)
        self._painted_highlight = highlighted

    def _refresh_option(self, index: int | None) -> None:
        if index is None:
            return
        try:
            line, height = self._index_to_line[index], self._heights[index]
        except KeyError:  # not laid out yet: the options changed, and all is repainted
            self.refresh()
            return
        self.refresh_lines(line, height)

    def card_prompt(self, card: CardSummary, *, show_state: bool) -> Text:
        """Title on the first line; state, priority, loop, cost and marks on the second."""
        style = self._parts.style
        marks: list[Text] = []
        if show_state:
            marks.append(safe_text(card.state, style=style("card--state")))
        # What needs attention first: a narrow lane cuts the end of this line.
        if card.unresolved_errors:
            marks.append(
                Text(f"{ERRORS_MARK}{card.unresolved_errors}", style=style("card--errors"))
            )
        if card.blocked:
            marks.append(Text(f"{BLOCKED_MARK}blocked", style=style("card--blocked")))
        if card.priority:  # 0 is the schema's default: no priority set
            marks.append(Text(f"P{card.priority}", style=style("card--priority")))
        if card.loop_iteration:
            marks.append(Text(f"{LOOP_MARK}{card.loop_iteration}", style=style("card--loop")))
        if card.total_cost_usd:
            marks.append(Text(money(card.total_cost_usd), style=style("card--cost")))
        marks.extend(
            safe_text(fact_text(fact), style=style(f"card--tone-{fact.tone}"))
            for fact in card.facts
        )
        prompt = Text(end="")
        if card.title.strip():
            prompt.append_text(safe_text(card.title, style=style("card--title")))
        else:  # blank titles would be told apart by nothing
            prompt.append_text(safe_text(untitled(card.id), style=style("card--more")))
        prompt.append("\n")
        prompt.append_text(Text(" ").join(marks))
        return prompt

    def more_prompt(self, hidden: int) -> Text:
        return Text(f"… {hidden} more; / filters", style=self._parts.style("card--more"))


class LaneColumn(Vertical):
    """A lane of the board; updated in place when its cards change."""

    def __init__(self, lane: Lane, parts: CardParts, *, shows_state: bool) -> None:
        super().__init__(id=f"lane-{lane.css_id}", classes=f"lane -tone-{lane.tone}")
        self.lane_name = lane.name
        self.lane: LaneView | None = None
        self.cards_list = LaneList(parts, id=f"cards-{lane.css_id}")
        self.header = Label(Text(lane.name), classes="lane-header")
        self._shows_state = shows_state
        self.fits = 1_000_000
        """How many cards the lane shows at once (until it is told, all of them)."""
        """The lane holds several states, so each card says which."""

    def compose(self) -> ComposeResult:
        yield self.header
        yield self.cards_list

    def show(self, lane: LaneView) -> None:
        """Show `lane`; nothing is redrawn when it is what is already shown."""
        if lane == self.lane:
            return
        self.lane = lane
        self._show_header()  # one line, full width: size never changes
        cards = self.cards_list.card_options(lane.cards, show_state=self._shows_state)
        hidden = lane.count - len(lane.cards)
        if cards and not hidden:
            # No rule under the last card. An option keeps the rule it was once given, so
            # the last card gets an option of its own.
            cards[-1] = Option(cards[-1].prompt, cards[-1].id)
        options: list[Option | None] = []
        for option in cards:
            options += [option, None]  # a rule under each card
        if hidden:
            options.append(Option(self.cards_list.more_prompt(hidden), disabled=True))
        elif options:
            options.pop()
        self.cards_list.set_options(options)

    def redraw(self) -> None:
        """Draw the cards shown again (their styles changed); the highlight is lost."""
        self.cards_list.forget_prompts()
        lane, self.lane = self.lane, None
        if lane is not None:
            self.show(lane)

    def show_fits(self, cards: int) -> None:
        """The lane shows `cards` at once; a mark in its header says there are more."""
        if cards != self.fits:
            self.fits = cards
            self._show_header()

    def _show_header(self) -> None:
        count = self.lane.count if self.lane else 0
        header = Text.assemble((self.lane_name, Style(bold=True)), " ", str(count))
        if count > self.fits:
            header.append(" ▼", Style(dim=True))  # more below: scroll, or `/` to filter
        self.header.update(header, layout=False)  # one line, full width: size never changes

    def card_at(self, index: int | None) -> CardSummary | None:
        if self.lane is None or index is None or not 0 <= index < len(self.lane.cards):
            return None
        return self.lane.cards[index]

    def index_of(self, card_id: str) -> int | None:
        if self.lane is None:
            return None
        for index, card in enumerate(self.lane.cards):
            if card.id == card_id:
                return index
        return None

    @property
    def is_empty(self) -> bool:
        """No card in this lane (an attribute, not a CSS class: restyling costs time)."""
        return self.lane is None or self.lane.count == 0

    @property
    def card_count(self) -> int:
        return len(self.lane.cards) if self.lane else 0

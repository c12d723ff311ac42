"""Command palette (ctrl+p): jump to a card by title, or run any action by name.

Card titles come from the database: the hits are built as Text (the palette parses a
plain string as markup) and highlighted here, not with Matcher.highlight (which parses).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Protocol, runtime_checkable

from rich.style import Style
from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from ringmaster_tui.domain.snapshot import CardSummary
from ringmaster_tui.ui.key_help import KeyRow, key_rows
from ringmaster_tui.ui.safe_text import make_visible

MATCH_STYLE = Style(reverse=True)
MAX_CARD_HITS = 30


@runtime_checkable
class CardJumper(Protocol):
    """What the card provider needs of the app."""

    def loaded_cards(self) -> tuple[CardSummary, ...]: ...

    def jump_to_card(self, card_id: str) -> None: ...


class CardSearchProvider(Provider):
    """The cards of the loaded lanes, matched on their titles."""

    async def search(self, query: str) -> Hits:
        app = self.app
        if not isinstance(app, CardJumper):
            return
        matcher = self.matcher(query)
        scored: list[tuple[float, Sequence[int], str, CardSummary]] = []
        for card in app.loaded_cards():
            title = make_visible(card.title)
            score, offsets = matcher.fuzzy_search.match(matcher.query, title)
            if score > 0:
                scored.append((score, offsets, title, card))
        scored.sort(key=lambda hit: hit[0], reverse=True)
        for score, offsets, title, card in scored[:MAX_CARD_HITS]:
            display = Text(title)
            for offset in offsets:
                display.stylize(MATCH_STYLE, offset, offset + 1)
            display.append(f"  card · {make_visible(card.state)}", style="dim")
            yield Hit(score, display, partial(app.jump_to_card, card.id), text=title)


class ActionProvider(Provider):
    """Every action in force on the screen the palette was opened from."""

    def _commands(self) -> list[KeyRow]:
        rows = key_rows(self.screen, self.app.get_key_display)
        return [row for row in rows if row.is_command]

    def _run(self, row: KeyRow) -> Callable[[], Awaitable[bool]]:
        return partial(self.app.run_action, row.action, row.node)

    async def discover(self) -> Hits:
        for row in self._commands():
            yield DiscoveryHit(_label(row), self._run(row), text=row.description)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for row in self._commands():
            score = matcher.match(row.description)
            if score > 0:
                yield Hit(score, _label(row), self._run(row), text=row.description)


def _label(row: KeyRow) -> Text:
    return Text.assemble(row.description, (f"  {row.keys}", "dim"))

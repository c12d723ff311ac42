"""Generic view models: what a source declares for the views the dashboard draws the same
way for every source (a card's extra facts, a table of rows with their keys, a detail in
sections). Ringmaster's own shapes (domain/snapshot.py) fill what these cannot show.

Everything here is data: a source builds it in its read transaction, the UI renders it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from ringmaster_tui.domain.model import Frozen
from ringmaster_tui.domain.values import Json
from ringmaster_tui.domain.workflow import Tone


class FactKind(StrEnum):
    """How a fact's value is written."""

    TEXT = "text"
    """`text` as it is (database text: the UI makes it safe)."""
    PROGRESS = "progress"
    """`number` of `total` ("3/5")."""
    PERCENT = "percent"
    """`number` as a share of one ("0.75" reads "75%")."""
    DURATION = "duration"
    """`number` seconds ("12m", "3h05m")."""
    COUNT = "count"
    """`number` as a whole number ("1,204")."""
    MONEY = "money"
    """`number` dollars ("$1.25")."""


class Fact(Frozen):
    """One value on a card's second line or in a table cell."""

    kind: FactKind = FactKind.TEXT
    text: str | None = None
    number: float | None = None
    total: float | None = None
    label: str = ""
    """Written before the value ("att ", "step "); plain, not database text."""
    tone: Tone = Tone.PLAIN


def text_fact(text: str | None, tone: Tone = Tone.PLAIN, label: str = "") -> Fact:
    return Fact(text=text, tone=tone, label=label)


def number_fact(kind: FactKind, number: float | None, **more: object) -> Fact:
    return Fact.model_validate({"kind": kind, "number": number, **more})


@dataclass(frozen=True)
class Column:
    """A table column as a source declares it; the UI fits them to the terminal."""

    key: str
    label: str
    width: int
    """The column's width; for the flexible column, the least it may have."""
    flex: bool = False
    """Takes the width the other columns leave."""
    drop: int = 0
    """Dropped on a narrow terminal, highest first, until the flexible column fits; 0 never."""


class TableRow(Frozen):
    """A row of a source's table view: one cell per column key."""

    id: str
    cells: Mapping[str, Fact]
    tone: Tone = Tone.PLAIN
    """The whole row's tone (a deadlock is BAD, a stale loop WAITING)."""
    card_id: str | None = None
    """The card `enter` opens; None when the row has none."""
    seen: str | None = None
    """The row's state as read, for its actions' compare-and-set (a status, a version)."""


class RowAction(Frozen):
    """A key a table view offers on its rows."""

    key: str
    action: str
    """What the source's `act` is asked to do."""
    label: str
    """What the footer and the help call it."""
    applies_to: tuple[str, ...] = ()
    """The `seen` values of the rows it applies to; empty: every row."""
    bulk: bool = False
    """Acts on every row listed (after the filter) that it applies to, after a confirmation
    naming how many; otherwise on the selected row."""
    confirm: str | None = None
    """Asked before a single-row action ("Skip this test?"); None: done at once."""


class TableData(Frozen):
    """A table view's content in one snapshot."""

    columns: tuple[Column, ...]
    rows: tuple[TableRow, ...]
    total: int
    """How many rows match, of which `rows` are the first ones read."""
    summary: str = ""
    """The header line's text, after the count ("2 deadlocks")."""
    empty: str = "Nothing to show."
    missing: str | None = None
    """Why the view has nothing to show at all (the database lacks its table)."""


class DetailSection(Frozen):
    """A part of a card's detail: facts, a text, a JSON value, or a small table."""

    title: str
    facts: tuple[tuple[str, Fact], ...] = ()
    """(label, value) pairs, one per line."""
    text: str | None = None
    json_value: Json = None
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Fact, ...], ...] = ()
    review_ids: tuple[str, ...] = ()
    """One per row: what `enter` on the row reviews (an id for Source.attempt_review).
    Empty: the rows open nothing. The first section with them gets the table's cursor."""
    empty: str = "None."
    """Said when the section has nothing (no facts, text, JSON or rows)."""


class SectionedDetail(Frozen):
    """A card in full, as a source that has no detail of its own shape declares it."""

    id: str
    title: str
    state: str
    sections: tuple[DetailSection, ...]

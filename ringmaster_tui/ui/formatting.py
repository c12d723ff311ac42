"""Numbers and times as the dashboard writes them: short, aligned, never failing."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from ringmaster_tui.domain.timefmt import short_duration
from ringmaster_tui.domain.views import Fact, FactKind

SHA_CHARS = 10
MISSING = "\u2013"  # an en dash: no value


# Beyond this an amount is junk more likely than spent; it is shown short, as it is.
ABSURD_AMOUNT = 1e9


def money(amount: float | None) -> str:
    if amount is None:
        return MISSING
    if abs(amount) >= ABSURD_AMOUNT:
        return f"${amount:.3g}"
    return f"${amount:,.2f}"


def money_spent(amounts: Sequence[float | None]) -> str:
    """'$3.75 spent': the sum of the known costs, saying how many were left out.

    A negative cost is not money an agent spent (a tool wrote junk, or a refund was booked
    as a cost); adding it would lower the total without anyone noticing. So negative and
    unknown costs stay out of the sum, and the text says how many did.
    """
    counted = [amount for amount in amounts if amount is not None and amount >= 0]
    text = f"{money(sum(counted))} spent"
    left_out = len(amounts) - len(counted)
    if left_out:
        text += f" ({left_out} cost{'' if left_out == 1 else 's'} negative or unknown, not counted)"
    return text


# How much of a filter's text a header or a message quotes: a pasted page would
# otherwise push the rest of the line, and the list, off the screen.
QUOTED_FILTER_CHARS = 40


def quoted_filter(text: str) -> str:
    """The filter as a header or message quotes it: “text”, cut with an ellipsis."""
    if len(text) > QUOTED_FILTER_CHARS:
        text = text[: QUOTED_FILTER_CHARS - 1] + "…"
    return f"“{text}”"


def count(value: int | None) -> str:
    return MISSING if value is None else f"{value:,}"


def milliseconds(value: int | None) -> str:
    if value is None:
        return MISSING
    return short_duration(value / 1000)


def short_sha(sha: str | None) -> str:
    return (sha or "")[:SHA_CHARS] or MISSING


SPARK_BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float]) -> str:
    """One bar per value, the highest the tallest; empty when there is nothing to show.

    A value that is negative or not finite (a column holding junk) draws the lowest bar.
    """
    clean = [v if math.isfinite(v) and v > 0 else 0.0 for v in values]
    if not clean:
        return ""
    top = max(clean)
    if top <= 0:
        return SPARK_BARS[0] * len(clean)
    last = len(SPARK_BARS) - 1
    return "".join(SPARK_BARS[round(v / top * last)] for v in clean)


def time_left(deadline: datetime | None, now: datetime) -> str:
    """'12m' before the deadline, 'overdue 3m' after it; a dash when there is none."""
    if deadline is None:
        return MISSING
    seconds = (deadline - now).total_seconds()
    if seconds <= 0:
        return f"overdue {short_duration(-seconds)}"
    return short_duration(seconds)


def countdown(deadline: datetime | None, now: datetime) -> str:
    """Time left to the second under an hour ('4m05s'), for a clock that ticks."""
    if deadline is None:
        return "no deadline"
    seconds = int((deadline - now).total_seconds())
    if seconds <= 0:
        return f"time is up ({short_duration(-seconds)} ago)"
    if seconds >= 3600:
        return short_duration(seconds)
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


def fact_text(fact: Fact) -> str:
    """A source's fact as a card or a cell writes it: its label, then its value."""
    value = fact.number
    if fact.kind is FactKind.TEXT:
        shown = fact.text if fact.text is not None else MISSING
    elif value is None:
        shown = MISSING
    elif fact.kind is FactKind.PROGRESS:
        shown = f"{value:g}/{MISSING if fact.total is None else f'{fact.total:g}'}"
    elif fact.kind is FactKind.PERCENT:
        shown = f"{value:.0%}"
    elif fact.kind is FactKind.DURATION:
        shown = short_duration(value)
    elif fact.kind is FactKind.MONEY:
        shown = money(value)
    else:
        shown = f"{value:,.0f}"
    return f"{fact.label}{shown}"

"""The two kinds of value every engine hands back differently, made one at the models' edge.

SQLite returns timestamps as text (or Unix seconds) and JSON columns as text; PostgreSQL
returns `datetime` and `dict`. A view model's field typed `Moment` or `Json` takes any of
these and holds one thing: a UTC datetime (None when the value is no time), or a JsonText
(the parsed value, or the stored text when it does not parse, to show it as it is).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict

from ringmaster_tui.domain.timefmt import parse_timestamp


def to_moment(value: object) -> datetime | None:
    """A timezone-aware UTC datetime from whatever a column held; None when it is no time."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    return parse_timestamp(value) if isinstance(value, str) else None


Moment = Annotated[datetime | None, BeforeValidator(to_moment)]


class JsonText(BaseModel):
    """A JSON column: its value when it parses, else the text as stored."""

    model_config = ConfigDict(frozen=True)

    value: Any = None
    """The parsed value (dict, list, str, number, bool or None)."""
    broken: str | None = None
    """The stored text, kept only when it does not parse as JSON."""

    @property
    def parses(self) -> bool:
        return self.broken is None


def to_json_text(value: object) -> JsonText | None:
    """A JsonText from a column's value; None for NULL (or blank text)."""
    if value is None or isinstance(value, JsonText):
        return value
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return JsonText(value=value)  # PostgreSQL's json and jsonb arrive parsed
    if not value.strip():
        return None
    try:
        return JsonText(value=json.loads(value))
    except (ValueError, RecursionError):
        return JsonText(broken=value)


Json = Annotated[JsonText | None, BeforeValidator(to_json_text)]

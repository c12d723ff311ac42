"""The small pieces every ticket reader shares: the text filter and timestamps as text."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeAlias

import sqlalchemy as sa
from sqlalchemy.engine import Row

from ringmaster_tui.domain.timefmt import sqlite_timestamp
from ringmaster_tui.engines.text import contains_folded

AnyRow: TypeAlias = Row[*tuple[Any, ...]]
"""A row as a reader reads it: its columns by name."""


def matches(text: str, *columns: sa.ColumnElement[str | None]) -> sa.ColumnElement[bool]:
    """Any of `columns` holds `text`, letters in any case beyond ASCII, the same on every
    engine (`ärger` finds `Ärger`; SQLite's own lower() folds ASCII only)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = sa.bindparam("filter_pattern", f"%{escaped}%", type_=sa.String, unique=True)
    return contains_folded(pattern, *columns)


def stored_time(moment: datetime) -> str:
    """A moment as seed 001 stores its times (SQLite's datetime('now')): they sort as text."""
    return sqlite_timestamp(moment)

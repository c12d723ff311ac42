"""The schema this app creates and expects: schema.sql, read from the installation."""

from __future__ import annotations

from functools import cache

from ringmaster_tui.resources import resource_path


@cache
def schema_sql() -> str:
    return resource_path("schema.sql").read_text(encoding="utf-8")

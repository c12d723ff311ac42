"""The base of every view model: frozen, and cleaned of what other tools leave in columns."""

from __future__ import annotations

import math
import types
import typing
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator


class Frozen(BaseModel):
    """A view model. Built from whatever the database holds, so values are cleaned first.

    Other tools write these databases and SQLite keeps any value in any column: a BLOB or
    undecodable bytes where text belongs is decoded with replacement characters; text, an
    infinity or NaN where a number belongs becomes None ("unknown", shown as a dash), or
    0 for the few numbers a row cannot be without. Negative numbers stay as they are: they
    are shown, and whoever sums them says so (see ui/formatting.py, money_spent).
    """

    model_config = ConfigDict(frozen=True, defer_build=True)
    _NUMBER_FIELDS: ClassVar[dict[str, tuple[type, bool]]] = {}
    """Each numeric field: its type, and whether it may be None; filled per class."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._NUMBER_FIELDS = {}
        for name, field in cls.model_fields.items():
            number = _number_type(field.annotation)
            if number is not None:
                cls._NUMBER_FIELDS[name] = number

    @model_validator(mode="before")
    @classmethod
    def _clean(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        numbers = cls._NUMBER_FIELDS
        changes: dict[str, Any] = {}
        for name, value in data.items():
            if value is None:
                continue
            kind = type(value)
            if name in numbers:
                wanted, optional = numbers[name]
                if kind is wanted and (kind is int or math.isfinite(value)):
                    continue  # the common case: a number of the right type
                number = _number_or_none(value, wanted)
                changes[name] = number if number is not None or optional else wanted(0)
            elif kind is bytes:
                changes[name] = value.decode("utf-8", "replace")
        return {**data, **changes} if changes else data


def _number_type(annotation: Any) -> tuple[type, bool] | None:
    """(int or float, optional) for `int`, `float`, `int | None`, `float | None`."""
    args = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else ()
    optional = type(None) in args
    bare = [a for a in args if a is not type(None)] if args else [annotation]
    if len(bare) == 1 and bare[0] in (int, float):
        return bare[0], optional
    return None


def _number_or_none(value: Any, kind: type) -> int | float | None:
    if not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return int(value) if kind is int else float(value)

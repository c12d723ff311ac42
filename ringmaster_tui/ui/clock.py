"""The app's clock as widgets read it: injected in tests (a fixed time), real otherwise."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

from textual.dom import DOMNode


@runtime_checkable
class Clocked(Protocol):
    clock: Callable[[], datetime]


def now_of(node: DOMNode) -> datetime:
    """Now, by the clock of the app `node` belongs to."""
    app = node.app
    return app.clock() if isinstance(app, Clocked) else datetime.now(UTC)

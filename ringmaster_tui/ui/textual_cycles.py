"""Keep what Textual paints out of reference cycles, so it is freed as soon as replaced.

Two of Textual's caches (8.2) leave everything they held in reference cycles, which only
the cyclic garbage collector can free:

- `LRUCache.clear()` drops the head of its circular list of entries: the entries, and
  every rendered line they hold, still point at each other. An option list clears its
  cache at each `set_options`, a table at each `clear()`: a lane or a list changing.
- `Strip.divide` answers a line that needs no cut with `[self]` and caches that list in
  the line itself; the compositor does so for most lines it paints.

A dashboard repainting at every commit made tens of thousands of such objects a minute;
they were collected in pauses of 70-500 ms that froze the screen mid-change or
mid-keystroke. Unlinked here, they are freed by reference counting like anything else.
The tests check that Textual still behaves so: when it no longer does, this module goes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from textual.cache import LRUCache
from textual.strip import Strip

_original_divide = Strip.divide
_original_clear = LRUCache.clear


def _divide(self: Strip, cuts: Iterable[int]) -> Sequence[Strip]:
    cuts = list(cuts)
    length = self.cell_length
    if [cut for cut in cuts if cut <= length] == [length]:
        return [self]  # Textual's answer, without the line caching a list holding itself
    return _original_divide(self, cuts)


def _clear(self: LRUCache[Any, Any]) -> None:
    for link in self._cache.values():
        link.clear()  # [previous, next, key, value]: unlinked, the circle is gone
    _original_clear(self)


def break_paint_cycles() -> None:
    """Install both fixes (process-wide; calling again changes nothing)."""
    Strip.divide = _divide  # type: ignore[method-assign]
    LRUCache.clear = _clear  # type: ignore[method-assign]

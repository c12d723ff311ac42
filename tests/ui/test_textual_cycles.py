"""What the screen paints is freed by reference counting, not left in cycles."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator

import pytest
from rich.segment import Segment
from textual.cache import LRUCache
from textual.strip import Strip

from ringmaster_tui.ui.textual_cycles import _original_clear, _original_divide, break_paint_cycles


def a_line() -> Strip:
    return Strip([Segment("card "), Segment("title", None), Segment(" P3")])


@pytest.fixture
def no_automatic_collection() -> Iterator[None]:
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def test_textual_alone_leaves_an_uncut_line_referring_to_itself() -> None:
    """What the module works around: if Textual stops doing this, the module can go."""
    strip = a_line()
    before = sys.getrefcount(strip)
    _original_divide(strip, [strip.cell_length])
    assert sys.getrefcount(strip) == before + 1


def test_an_uncut_line_no_longer_refers_to_itself() -> None:
    break_paint_cycles()
    strip = a_line()
    before = sys.getrefcount(strip)

    assert strip.divide([strip.cell_length]) == [strip]
    assert strip.divide(iter([strip.cell_length, strip.cell_length + 5])) == [strip]
    assert sys.getrefcount(strip) == before


@pytest.mark.parametrize("cuts", [[4], [4, 13], [2, 6, 13], [0, 13], [13, 20], [20]])
def test_divide_answers_as_textual_does(cuts: list[int]) -> None:
    break_paint_cycles()
    ours = a_line().divide(cuts)
    textual = _original_divide(a_line(), cuts)

    assert [(s.text, s.cell_length) for s in ours] == [(s.text, s.cell_length) for s in textual]


def filled_cache() -> LRUCache[int, Strip]:
    cache: LRUCache[int, Strip] = LRUCache(maxsize=8)
    for n in range(12):  # some evicted, some kept
        cache[n] = a_line()
    cache.get(6)  # one moved to the head
    return cache


def test_textual_alone_leaves_a_cleared_cache_in_a_cycle(no_automatic_collection: None) -> None:
    _original_clear(filled_cache())
    assert gc.collect() > 0


def test_a_cleared_cache_is_freed_at_once_and_works_on(no_automatic_collection: None) -> None:
    break_paint_cycles()
    cache = filled_cache()
    assert [cache.get(n) is not None for n in range(12)] == [False] * 4 + [True] * 8
    cache.clear()

    assert gc.collect() == 0
    assert len(cache) == 0 and cache.get(6) is None
    cache[1] = line = a_line()
    assert cache.get(1) is line

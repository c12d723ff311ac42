"""Deadlocks: cycles in the wait graph (loop A waits for B, which waits for A)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Wait:
    waiter: str
    holder: str
    resource: str
    since: datetime | None


@dataclass(frozen=True)
class Deadlock:
    loops: tuple[str, ...]
    """The loops around the cycle, in waiting order, starting with the smallest id."""
    waits: tuple[Wait, ...]
    """Every wait among those loops."""

    @property
    def since(self) -> datetime | None:
        """When the oldest of its waits began."""
        times = [w.since for w in self.waits if w.since is not None]
        return min(times) if times else None

    @property
    def resources(self) -> tuple[str, ...]:
        return tuple(sorted({w.resource for w in self.waits if w.resource}))


def find_deadlocks(waits: Iterable[Wait]) -> list[Deadlock]:
    """Each group of loops waiting on one another in a circle (a strongly connected part
    of the graph with a cycle), found with Tarjan's algorithm (no recursion)."""
    edges: dict[str, set[str]] = {}
    all_waits = list(waits)
    for w in all_waits:
        edges.setdefault(w.waiter, set()).add(w.holder)
        edges.setdefault(w.holder, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(edges[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, pending = work[-1]
            if pending:
                nxt = pending.pop(0)
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(edges[nxt])))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1 or node in edges[node]:
                    groups.append(group)
    found = []
    for group in groups:
        members = set(group)
        inside = tuple(
            sorted(
                (w for w in all_waits if w.waiter in members and w.holder in members),
                key=lambda w: (w.waiter, w.holder, w.resource),
            )
        )
        found.append(Deadlock(loops=_cycle(min(members), edges, members), waits=inside))
    return sorted(found, key=lambda d: d.loops)


def _cycle(start: str, edges: dict[str, set[str]], members: set[str]) -> tuple[str, ...]:
    """One way round the group from `start` back to it (a shortest one, by breadth)."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(edges[node] & members):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return tuple(reversed(path))
                if nxt not in previous:
                    previous[nxt] = node
                    following.append(nxt)
        frontier = following
    return (start,)

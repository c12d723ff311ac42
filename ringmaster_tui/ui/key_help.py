"""The keys of a screen, read from the BINDINGS in force there (never written by hand).

The help screen lists them all; the command palette offers the actions among them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

# Ids of bindings that only move the cursor: in the help, not in the palette.
MOVE_PREFIX = "move."


@dataclass(frozen=True)
class KeyRow:
    group: str
    keys: str
    description: str
    action: str
    node: DOMNode
    binding_id: str | None

    @property
    def is_command(self) -> bool:
        """An action worth offering in the command palette (ours, not a cursor move)."""
        return bool(self.binding_id) and not (self.binding_id or "").startswith(MOVE_PREFIX)


def group_of(node: DOMNode) -> str:
    group = getattr(node, "help_group", None) or getattr(node, "HELP_GROUP", None)
    return group if isinstance(group, str) else "Everywhere" if node is node.app else "Other"


def key_rows(screen: Screen[object], key_display: Callable[[Binding], str]) -> list[KeyRow]:
    """One row per action in force on `screen`, its keys merged ("left, h")."""
    rows: dict[tuple[int, str], KeyRow] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.system or not binding.description:
            continue
        slot = (id(active.node), binding.action)
        key = key_display(binding)
        known = rows.get(slot)
        if known is not None:
            rows[slot] = replace(known, keys=f"{known.keys}, {key}")
        else:
            rows[slot] = KeyRow(
                group_of(active.node),
                key,
                binding.description,
                binding.action,
                active.node,
                binding.id,
            )
    return list(rows.values())

"""The kinds `--source` names, in the order the registry tries them: known without
importing a source, so that the command line's help answers at once (a test checks that
they are the registry's)."""

from __future__ import annotations

KIND_NAMES: tuple[str, ...] = ("ringmaster", "coordination", "ralph", "tickets", "episodes")

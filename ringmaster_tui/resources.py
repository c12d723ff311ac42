"""Files that ship with the package: schema.sql and the styles/ folder.

In a wheel they sit inside the package (pyproject maps them there); in a checkout or an
editable install they are at the top of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_path(name: str) -> Path:
    """Where `name` (schema.sql, styles) is, in a wheel or in a checkout."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"{name} is missing from the installation ({_PACKAGE})")

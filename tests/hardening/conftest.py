"""Hardening tests: the app over databases other tools damaged (see databases.py)."""

from __future__ import annotations

import pytest

from tests.ui.helpers import Notes


@pytest.fixture
def anyio_backend() -> str:
    """Async tests (marked `anyio`) run on asyncio, as Textual does."""
    return "asyncio"


@pytest.fixture
def notes() -> Notes:
    return Notes()

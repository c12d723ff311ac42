"""Lint, format and types are part of the test run, so CI holds them."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_ruff_lint() -> None:
    result = run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = run("ruff", "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_the_package() -> None:
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_installed_distribution_ships_styles_and_schema() -> None:
    """An installed wheel finds its styles and schema inside the package."""
    files = {str(f) for f in metadata.files("ringmaster-tui") or []}
    if any(f.endswith(".pth") for f in files):
        # An editable install points at this checkout; the wheel's layout is not in play.
        assert (ROOT / "styles").is_dir() and (ROOT / "schema.sql").is_file()
        return
    assert "ringmaster_tui/schema.sql" in files
    assert any(f.startswith("ringmaster_tui/styles/") and f.endswith(".tcss") for f in files)

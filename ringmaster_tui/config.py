"""Settings: defaults, then the environment, then command-line flags (which win)."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_database_path() -> Path:
    """$RINGMASTER_DB, else Ringmaster's own default."""
    env = os.environ.get("RINGMASTER_DB")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".ringmaster" / "data.db"


def login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER") or "unknown"


def data_dir() -> Path:
    """Where the demo keeps its database and repositories."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "ringmaster-tui"


class Settings(BaseSettings):
    """What the dashboard needs to know before it opens a database."""

    model_config = SettingsConfigDict(
        env_prefix="RINGMASTER_TUI_", frozen=True, populate_by_name=True
    )

    db: str = Field(
        default_factory=lambda: str(default_database_path()),
        validation_alias=AliasChoices("RINGMASTER_DB", "RINGMASTER_TUI_DB"),
    )
    read_only: bool = False
    user: str = Field(default_factory=login_name)
    bell: bool = True
    log: Path | None = None
    per_lane: int | None = Field(default=None, ge=1, le=1000)
    """Cards each lane reads; by default what a lane shows at once and a page more."""
    notify_command: str | None = None
    """Run for each new pending decision and alert (its JSON on stdin): notify/."""
    notify_timeout: float = Field(default=10.0, gt=0, le=3600)
    """Seconds the notify command may run before it is killed."""
    notify_severity: Literal["critical", "error", "warning", "info"] = "critical"
    notify_terminal: Literal["osc9", "osc777"] | None = None
    """Terminal notifications (OSC 9 or OSC 777) for the same events; off by default."""

"""Settings: defaults, then the environment, then command-line flags (which win).

The environment is read by hand, not by a settings library: a bad value is one line
naming the variable, and the command line starts without importing one.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

ENV_PREFIX = "RINGMASTER_TUI_"
# The database also comes from Ringmaster's own variable, which wins.
DB_VARIABLES = ("RINGMASTER_DB", "RINGMASTER_TUI_DB")


class SettingsError(ValueError):
    """A setting with a value it cannot take, said in one line."""


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


class Settings(BaseModel):
    """What the dashboard needs to know before it opens a database."""

    model_config = ConfigDict(frozen=True)

    db: str = Field(default_factory=lambda: str(default_database_path()))
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


def environment_values() -> dict[str, str]:
    """The settings the environment gives: RINGMASTER_TUI_<FIELD>, and the database."""
    values = {
        name: os.environ[variable]
        for name in Settings.model_fields
        if (variable := ENV_PREFIX + name.upper()) in os.environ
    }
    for variable in reversed(DB_VARIABLES):  # the first one set wins
        if os.environ.get(variable):
            values["db"] = os.environ[variable]
    return values


def settings_from_environment(**overrides: object) -> Settings:
    """The environment's settings with `overrides` (the flags) on top; SettingsError
    names the first setting that cannot be taken and where it came from."""
    given = environment_values()
    try:
        return Settings.model_validate({**given, **overrides})
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else "?"
        if name in overrides:
            where = f"--{name.replace('_', '-')}"
        elif name == "db":
            where = next(v for v in DB_VARIABLES if os.environ.get(v))
        else:
            where = ENV_PREFIX + name.upper()
        value = {**given, **overrides}.get(name)
        raise SettingsError(f"{where}={value!s}: {error['msg'].lower()}") from None

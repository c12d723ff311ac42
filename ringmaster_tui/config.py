"""Settings: defaults, then the settings file, then the environment, then command-line
flags (which win).

The settings file is TOML at $XDG_CONFIG_HOME/ringmaster-tui/config.toml (by default
~/.config/...): any setting by its name (`user = "ann"`, `notify_command = "..."`), and a
`[repos]` table of local clones by repository name. The file and the environment are
read by hand, not by a settings library: a bad value is one line naming where it came
from, and the command line starts without importing one.
"""

from __future__ import annotations

import getpass
import os
import tomllib
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
    repos: dict[str, str] = Field(default_factory=dict)
    """Local clones by repository name (`--repo NAME=PATH`, the file's [repos] table), for
    schemas that record repository URLs: `backend`, or `PROJECT/backend` for one project."""

    @property
    def notifies(self) -> bool:
        """Whether any notification (a command, the terminal's) is asked for."""
        return self.notify_command is not None or self.notify_terminal is not None


def settings_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "ringmaster-tui" / "config.toml"


def file_values(path: Path | None = None) -> dict[str, object]:
    """The settings the file gives (none when there is no file)."""
    path = path or settings_file()
    try:
        with path.open("rb") as file:
            values = tomllib.load(file)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read the settings file ({exc})") from None
    unknown = sorted(set(values) - set(Settings.model_fields))
    if unknown:
        raise SettingsError(f"{path}: no setting is called {unknown[0]!r}")
    return values


def environment_values() -> dict[str, str]:
    """The settings the environment gives: RINGMASTER_TUI_<FIELD>, and the database."""
    values = {
        name: os.environ[variable]
        for name in Settings.model_fields
        if name != "repos" and (variable := ENV_PREFIX + name.upper()) in os.environ
    }
    for variable in reversed(DB_VARIABLES):  # the first one set wins
        if os.environ.get(variable):
            values["db"] = os.environ[variable]
    return values


def settings_from_environment(**overrides: object) -> Settings:
    """The file's settings, the environment's on top, and `overrides` (the flags) on top
    of those (repositories add up, a flag's winning for one name); SettingsError names the
    first setting that cannot be taken and where it came from."""
    from_file = file_values()
    given: dict[str, object] = {**from_file, **environment_values()}
    values = {**given, **overrides}
    file_repos, flag_repos = from_file.get("repos"), overrides.get("repos")
    if isinstance(file_repos, dict) and isinstance(flag_repos, dict):
        values["repos"] = {**file_repos, **flag_repos}
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else "?"
        if name in overrides:
            where = f"--{name.replace('_', '-')}"
        elif name == "db" and any(os.environ.get(v) for v in DB_VARIABLES):
            where = next(v for v in DB_VARIABLES if os.environ.get(v))
        elif ENV_PREFIX + name.upper() in os.environ:
            where = ENV_PREFIX + name.upper()
        else:
            where = f"{settings_file()}: {name}"
        value = values.get(name)
        raise SettingsError(f"{where}={value!s}: {error['msg'].lower()}") from None

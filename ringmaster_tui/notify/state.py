"""The memory of what was notified, beside the user's settings (never in the watched
database): a small JSON file in the XDG state directory, keyed by database and item.

Every claim reads the file, adds the item and writes it back under an exclusive lock, so
two processes watching one database (a dashboard and a `watch`) never both notify an
item. Writes are atomic (a temporary file renamed over the old one): a crash leaves the
old memory or the new one, never half of either. The file stays small: past a bound per
database (and a bound of databases) the oldest entries go.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

STATE_FILE = "notified.json"
FORMAT_VERSION = 1
# Items remembered per database: far more than can be pending at once.
MAX_ITEMS_PER_DATABASE = 5000
MAX_DATABASES = 100

Memory = dict[str, dict[str, str]]
"""Database label -> item key -> when it was notified (ISO 8601, UTC)."""


class StateError(Exception):
    """The memory cannot be read or written (its directory, its permissions)."""


def state_dir() -> Path:
    """$XDG_STATE_HOME/ringmaster-tui, or ~/.local/state/ringmaster-tui."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "ringmaster-tui"


def default_state_path() -> Path:
    return state_dir() / STATE_FILE


def database_key(label: str) -> str:
    """How the memory names a database: its URL (no password), or its file's full path,
    so `watch db.db` and `watch ./db.db` are one database."""
    if "://" in label:
        return label
    return str(Path(label).expanduser().resolve())


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class NotifiedState:
    """Which items of which databases were notified. Thread-safe and process-safe."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_state_path()
        self._lock = threading.Lock()

    def claim(self, database: str, key: str) -> bool:
        """Remember `key` of `database` as notified; False if it already was (by anyone)."""
        with self._lock, self._locked():
            memory = self._load()
            items = memory.setdefault(database, {})
            if key in items:
                return False
            items[key] = _stamp()
            self._save(_bounded(memory, database))
            return True

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path.with_name(self.path.name + ".lock"), "a")  # noqa: SIM115
        except OSError as exc:
            raise StateError(f"cannot keep {self.path}: {exc.strerror or exc}") from exc
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _load(self) -> Memory:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise StateError(f"cannot read {self.path}: {exc.strerror or exc}") from exc
        try:
            data: Any = json.loads(text)
            notified = data["notified"]
            return {
                str(db): {str(k): str(v) for k, v in items.items()}
                for db, items in notified.items()
                if isinstance(items, dict)
            }
        except (ValueError, KeyError, TypeError, AttributeError):
            # Kept aside, not lost: someone may want to look at it.
            aside = self.path.with_name(self.path.name + ".broken")
            log.warning("%s does not parse; kept as %s, starting afresh", self.path, aside)
            with contextlib.suppress(OSError):
                os.replace(self.path, aside)
            return {}

    def _save(self, memory: Memory) -> None:
        data = {"version": FORMAT_VERSION, "notified": memory}
        try:
            fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{STATE_FILE}.")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temporary, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError as exc:
            raise StateError(f"cannot write {self.path}: {exc.strerror or exc}") from exc


def _bounded(memory: Memory, current: str) -> Memory:
    """The newest entries only, per database and of databases (`current` always kept)."""
    for database, items in memory.items():
        if len(items) > MAX_ITEMS_PER_DATABASE:
            newest = sorted(items.items(), key=lambda item: item[1])[-MAX_ITEMS_PER_DATABASE:]
            memory[database] = dict(newest)
    if len(memory) > MAX_DATABASES:

        def last_used(database: str) -> str:
            return max(memory[database].values(), default="")

        others = sorted((db for db in memory if db != current), key=last_used)
        for database in others[: len(memory) - MAX_DATABASES]:
            del memory[database]
    return memory

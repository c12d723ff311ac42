"""What a SQLite database's files say, read without opening a connection.

A database is a main file and, in WAL mode, a `-wal` (the commits not yet copied back)
and a `-shm` (the index into it). SQLite pairs them by name only: a main file moved into
place beside the `-wal` and `-shm` of the file it replaced is read, and then written, as
if they were its own, which corrupts it. And a connection that stays open keeps a `-wal`
alive after its writer has gone. So the dashboard holds no connection between reads and
learns what it needs from the files themselves:

- `commit_marker` changes whenever a commit becomes visible: the main file's identity,
  size and header (its change counter moves at each commit in rollback mode), the `-wal`'s
  size and time, and the `-shm`'s index header (SQLite rewrites it at each WAL commit);
- `ReplacementGuard` remembers which `-wal` was seen beside which main file, and refuses
  a new main file while the old one's `-wal` (with commits in it) is still there;
- `unread_wal_bytes` tells how much a `-wal` holds that a read without its `-shm` skips.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from ringmaster_tui.engines.errors import StaleFilesError

log = logging.getLogger(__name__)

SIDE_SUFFIXES = ("-wal", "-shm")
# The main file's header (100 bytes) holds the change counter; the -shm starts with two
# copies of the WAL index header (48 bytes each), rewritten at every WAL commit.
MAIN_HEADER_BYTES = 100
SHM_HEADER_BYTES = 96
# A -wal holds its 32-byte header and then frames; a header alone holds no commit.
WAL_HEADER_BYTES = 32


@dataclass(frozen=True)
class FileId:
    """Which file a path names now: a new file at the same path has another inode."""

    device: int
    inode: int


def file_id(path: Path | str) -> FileId | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return FileId(stat.st_dev, stat.st_ino)


def side_path(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _stat_key(path: Path) -> tuple[int, int, int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_ino, stat.st_dev, stat.st_size, stat.st_mtime_ns


def _head(path: Path, size: int) -> bytes | None:
    try:
        with open(path, "rb") as file:
            return file.read(size)
    except OSError:
        return None


def commit_marker(path: Path) -> tuple[object, ...] | None:
    """A value that differs after every commit another process makes visible; None when
    the main file is missing. A few stat() calls and two small reads: cheap to poll."""
    main = _stat_key(path)
    if main is None:
        return None
    wal = side_path(path, "-wal")
    shm = side_path(path, "-shm")
    # Of the -shm, its identity and index headers only: readers write their read marks
    # after the headers, which may touch its time; a reload must not cause another.
    return (
        main,
        _head(path, MAIN_HEADER_BYTES),
        _stat_key(wal),
        file_id(shm),
        _head(shm, SHM_HEADER_BYTES),
    )


def unread_wal_bytes(path: Path) -> int:
    """The bytes of frames in `path`'s -wal (commits, possibly not yet in the main file)."""
    try:
        size = os.stat(side_path(path, "-wal")).st_size
    except OSError:
        return 0
    return max(0, size - WAL_HEADER_BYTES)


@dataclass(frozen=True)
class _Seen:
    main: FileId
    sides: dict[str, FileId | None]


class ReplacementGuard:
    """Tells a main file replaced while open, and whether its side files are its own.

    `check()` is called before every connection and by the change feed's every look, so
    the -wal and -shm seen beside the current main file are always known. When the main
    file changes, a -wal or -shm still there with the identity seen beside the old file
    belongs to the old file: the new one is refused until they are gone. Side files made
    after the swap (by a writer of the new file) are the new file's own.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._seen: _Seen | None = None
        self.replaced = 0
        """How many times a new main file was accepted (the feed reports each)."""
        self.check()

    def _sides(self) -> dict[str, FileId | None]:
        return {suffix: file_id(side_path(self._path, suffix)) for suffix in SIDE_SUFFIXES}

    def check(self) -> None:
        """Raise StaleFilesError while the main file sits beside the -wal of the file it
        replaced, with commits in it; otherwise remember what is there now. An empty -wal
        (as a reader leaves) replays nothing, and a missing main file passes: opening it
        fails on its own, with its own message."""
        main = file_id(self._path)
        if main is None:
            return
        sides = self._sides()
        with self._lock:
            seen = self._seen
            if seen is not None and seen.main != main:
                wal = sides["-wal"]
                if wal is not None and wal == seen.sides["-wal"] and unread_wal_bytes(self._path):
                    raise StaleFilesError(self._stale_message())
                self.replaced += 1
                log.info("%s: the file was replaced; reading the new one", self._path)
            self._seen = _Seen(main, sides)

    def _stale_message(self) -> str:
        wal, shm = (side_path(self._path, suffix).name for suffix in SIDE_SUFFIXES)
        return (
            f"{self._path.name} was replaced, but {wal} of the file it replaced is still "
            f"beside it, with commits in it; reading it with the new file would corrupt the "
            f"new file, so nothing is read. Stop any program still using the old file, then "
            f"move {wal} and {shm} away"
        )

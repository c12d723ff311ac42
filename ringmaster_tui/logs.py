"""`--log FILE`: what the app did and every error it caught, for a bug report.

Without the flag nothing is logged anywhere: Textual draws on the terminal, so no log
line may ever reach stderr. With it, the root logger of this package writes to FILE.
"""

from __future__ import annotations

import errno
import logging
from pathlib import Path

PACKAGE = "ringmaster_tui"
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"

# What an OSError opening the log means to the person who gave the path.
_REASONS: dict[int, str] = {
    errno.EISDIR: "that is a folder; name a file in it",
    errno.ENOENT: "its folder does not exist",
    errno.ENOTDIR: "part of its path is not a folder",
    errno.EACCES: "no permission to write it",
    errno.EPERM: "no permission to write it",
    errno.EROFS: "it is on a read-only file system",
}


class LogFileError(Exception):
    """The log file cannot be opened for writing; the message says which and why."""


def setup_logging(path: Path | None) -> None:
    """Log this package's records to `path` (appending); with None, log nothing at all
    (the package's NullHandler, see ringmaster_tui/__init__.py, keeps them off stderr).

    Raises LogFileError when `path` cannot be written, before anything else is done."""
    logger = logging.getLogger(PACKAGE)
    logger.propagate = False  # never to a root logger's stderr handler
    for handler in [h for h in logger.handlers if isinstance(h, logging.FileHandler)]:
        logger.removeHandler(handler)
        handler.close()
    if path is None:
        return
    try:
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as exc:
        reason = _REASONS.get(exc.errno or 0, exc.strerror or str(exc))
        raise LogFileError(f"cannot write the log {path}: {reason}") from exc
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

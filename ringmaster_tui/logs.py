"""`--log FILE`: what the app did and every error it caught, for a bug report.

Without the flag nothing is logged anywhere: Textual draws on the terminal, so no log
line may ever reach stderr. With it, the root logger of this package writes to FILE.
"""

from __future__ import annotations

import logging
from pathlib import Path

PACKAGE = "ringmaster_tui"
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"


def setup_logging(path: Path | None) -> None:
    """Log this package's records to `path` (appending); with None, log nothing at all
    (the package's NullHandler, see ringmaster_tui/__init__.py, keeps them off stderr)."""
    logger = logging.getLogger(PACKAGE)
    logger.propagate = False  # never to a root logger's stderr handler
    for handler in [h for h in logger.handlers if isinstance(h, logging.FileHandler)]:
        logger.removeHandler(handler)
        handler.close()
    if path is None:
        return
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

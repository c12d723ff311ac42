"""Runs the command line in a real pseudo-terminal, as a user's shell would, and keeps
everything it drew. No tmux needed: Python's pty module is enough for a smoke test."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass
from pathlib import Path

_ESCAPES = re.compile(r"\x1b(\[[0-9;:?<=>]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Z0-9]|.)")


def _drawn(chunks: list[bytes]) -> str:
    return _ESCAPES.sub("", b"".join(chunks).decode("utf-8", "replace"))


@dataclass(frozen=True)
class TerminalRun:
    returncode: int
    raw: str
    """Everything written to the terminal, escape sequences included."""

    @property
    def text(self) -> str:
        """What was drawn, without escape sequences (cursor moves become nothing)."""
        return _ESCAPES.sub("", self.raw)


def spawn(
    *args: str | Path, size: tuple[int, int] = (120, 40)
) -> tuple[subprocess.Popen[bytes], int]:
    """`python -m ringmaster_tui ARGS` on a new pty of `size` (columns, rows): the process
    and the pty's master side, to read what it draws and to type."""
    master, slave = pty.openpty()
    columns, rows = size
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(rows)}
    process = subprocess.Popen(
        [sys.executable, "-m", "ringmaster_tui", *map(str, args)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    return process, master


def run_in_terminal(
    *args: str | Path,
    size: tuple[int, int] = (120, 40),
    timeout: float = 60.0,
    type_when_shown: tuple[str, bytes] | None = None,
) -> TerminalRun:
    """`python -m ringmaster_tui ARGS` on a pty of `size` (columns, rows); waits for exit.

    `type_when_shown=(text, keys)`: once `text` is on screen, type `keys` (once).
    """
    process, master = spawn(*args, size=size)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # the other side closed: the process is gone
                    break
                if not data:
                    break
                chunks.append(data)
                if type_when_shown and type_when_shown[0] in _drawn(chunks):
                    os.write(master, type_when_shown[1])
                    type_when_shown = None
            elif process.poll() is not None:
                break
        else:
            process.kill()
            raise AssertionError(f"still running after {timeout} s")
        returncode = process.wait(timeout=10)
    finally:
        os.close(master)
    return TerminalRun(returncode, b"".join(chunks).decode("utf-8", "replace"))

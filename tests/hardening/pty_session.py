"""The command line on a real pseudo-terminal, driven step by step: wait for a text to be
drawn, type keys, wait again. tests/terminal.py runs a whole session in one call; these
tests need to act between what they see (write to the database, press an action key)."""

from __future__ import annotations

import os
import select
import signal
import time
from pathlib import Path
from types import TracebackType

from tests.terminal import TerminalRun, spawn


class TerminalSession:
    """`python -m ringmaster_tui ARGS` on a pty of `size` (columns, rows)."""

    def __init__(self, *args: str | Path, size: tuple[int, int] = (120, 40)) -> None:
        self.process, self._master = spawn(*args, size=size)
        self._chunks: list[bytes] = []
        self._mark = 0

    @property
    def raw(self) -> str:
        return b"".join(self._chunks).decode("utf-8", "replace")

    def drawn_since_mark(self) -> str:
        """What was drawn since the last `type` (escape sequences removed)."""
        return TerminalRun(0, b"".join(self._chunks[self._mark :]).decode("utf-8", "replace")).text

    def _read(self, seconds: float) -> None:
        ready, _, _ = select.select([self._master], [], [], seconds)
        if ready:
            try:
                data = os.read(self._master, 65536)
            except OSError:  # the other side closed
                return
            self._chunks.append(data)

    def wait_for(self, *texts: str, timeout: float = 30.0) -> str:
        """Read until every one of `texts` was drawn since the mark; what was drawn."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            drawn = self.drawn_since_mark()
            if all(text in drawn for text in texts):
                return drawn
            if self.process.poll() is not None:
                break
            self._read(0.05)
        raise AssertionError(f"never drawn: {texts!r}; drawn: {self.drawn_since_mark()[-3000:]!r}")

    def wait_for_any(self, *texts: str, timeout: float = 30.0) -> str:
        """Read until one of `texts` was drawn since the mark; what was drawn."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            drawn = self.drawn_since_mark()
            if any(text in drawn for text in texts):
                return drawn
            if self.process.poll() is not None:
                break
            self._read(0.05)
        raise AssertionError(f"none drawn: {texts!r}; drawn: {self.drawn_since_mark()[-3000:]!r}")

    def type(self, keys: bytes) -> None:
        self._mark = len(self._chunks)
        os.write(self._master, keys)

    def quit(self, timeout: float = 20.0) -> int:
        """Press q and wait for the app to end; its exit code."""
        self.type(b"q")
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self._read(0.05)
        return self.process.wait(timeout=1)

    def __enter__(self) -> TerminalSession:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        os.close(self._master)

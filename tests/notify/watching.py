"""`ringmaster-tui watch` as a real process: its lines read as they come, signals sent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import TracebackType

from tests.notify.helpers import wait_until

ROOT = Path(__file__).resolve().parents[2]


class WatchProcess:
    def __init__(self, *args: str | Path, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ringmaster_tui", "watch", *map(str, args)],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.out: list[str] = []
        self.err: list[str] = []
        self._readers = [
            threading.Thread(target=self._read, args=(stream, lines), daemon=True)
            for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err))
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream: object, lines: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            lines.append(line.rstrip("\n"))

    def wait_for_out(self, text: str, count: int = 1) -> None:
        wait_until(lambda: sum(text in line for line in self.out) >= count or self._ended())

    def wait_for_err(self, text: str) -> None:
        wait_until(lambda: any(text in line for line in self.err) or self._ended())
        assert any(text in line for line in self.err), self.err

    def _ended(self) -> bool:
        if self.process.poll() is None:
            return False
        for reader in self._readers:
            reader.join(5)
        raise AssertionError(f"watch ended ({self.process.returncode}): {self.err}")

    def ready(self) -> WatchProcess:
        """Once it watches (the banner is printed before the first read)."""
        self.wait_for_err("Watching ")
        return self

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        self.process.send_signal(sig)
        code = self.process.wait(timeout=20)
        for reader in self._readers:
            reader.join(5)
        return code

    def __enter__(self) -> WatchProcess:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

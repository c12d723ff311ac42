"""The user's notify command: split once like a shell would (shlex), run without a shell,
the event's JSON on its standard input and nothing from the database on its command
line, killed with everything it started when it overruns its bound."""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from typing import IO

from ringmaster_tui.notify.choices import DEFAULT_TIMEOUT

# Long enough for a webhook over a slow link; short enough that a hung one is noticed.
# After the kill, how long to wait for the process to be reaped.
REAP_SECONDS = 5.0
# How much of the command's stderr a failure report quotes.
STDERR_CHARS = 300


@dataclass(frozen=True)
class Failure:
    """Why a run did not succeed: `reason` alike for alike failures, `detail` its stderr."""

    reason: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}" if self.detail else self.reason


class BadCommand(ValueError):
    """The --notify-command text cannot be run (empty, unbalanced quotes)."""


@dataclass
class NotifyCommand:
    argv: tuple[str, ...]
    timeout: float = DEFAULT_TIMEOUT
    _running: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _stopped: bool = field(default=False, repr=False)

    @classmethod
    def parse(cls, text: str, timeout: float = DEFAULT_TIMEOUT) -> NotifyCommand:
        """`text` split as a POSIX shell splits words; a shell runs only if named in it
        (`sh -c '...'`)."""
        try:
            argv = tuple(shlex.split(text))
        except ValueError as exc:
            raise BadCommand(f"--notify-command {text!r}: {exc}") from exc
        if not argv:
            raise BadCommand("--notify-command is empty")
        return cls(argv=argv, timeout=timeout)

    @property
    def name(self) -> str:
        return os.path.basename(self.argv[0])

    def run(self, stdin: bytes) -> Failure | None:
        """Run it once with `stdin`; None when it succeeded, else why it did not."""
        with tempfile.TemporaryFile() as errors:
            with self._lock:
                if self._stopped:
                    return Failure("not run: shutting down")
                try:
                    process = subprocess.Popen(
                        self.argv,
                        stdin=subprocess.PIPE,
                        stdout=subprocess.DEVNULL,
                        stderr=errors,
                        close_fds=True,
                        # Its own process group: a timeout kills what it started too.
                        start_new_session=True,
                    )
                except OSError as exc:
                    return Failure(f"cannot run {self.argv[0]}: {exc.strerror or exc}")
                self._running = process
            try:
                try:
                    process.communicate(stdin, timeout=self.timeout)
                except subprocess.TimeoutExpired:
                    _kill_group(process)
                    return Failure(f"{self.name} did not finish within {self.timeout:g} s; killed")
                if self._stopped and process.returncode < 0:
                    return Failure(f"{self.name} was stopped on shutdown")
                if process.returncode != 0:
                    reason = f"{self.name} failed ({_status(process.returncode)})"
                    return Failure(reason, _tail(errors))
                return None
            finally:
                with self._lock:
                    self._running = None

    def stop(self) -> None:
        """Kill a run under way and refuse new ones (the process is shutting down)."""
        with self._lock:
            self._stopped = True
            running = self._running
        if running is not None:
            _kill_group(running)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    if process.stdin is not None:
        with contextlib.suppress(OSError, ValueError):
            process.stdin.close()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=REAP_SECONDS)


def _status(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def _tail(errors: IO[bytes]) -> str:
    """The end of what it wrote to stderr, as one line."""
    errors.seek(0, os.SEEK_END)
    size = errors.tell()
    errors.seek(max(0, size - 4 * STDERR_CHARS))
    text = errors.read().decode("utf-8", "replace").strip()
    if not text:
        return ""
    return " ".join(text.split())[-STDERR_CHARS:]

"""The real app in a real terminal, for benchmarks: a tmux pane and its output stream.

The app runs in a detached tmux session; tmux pipes everything the pane draws to a file
that a thread reads as it grows, noting when awaited texts first appear.
"""

from __future__ import annotations

import codecs
import re
import shlex
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SIZE = (120, 40)
# Escape sequences between the pieces of one line of text (styles, cursor moves).
_ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
# Where the app moves the cursor to draw: every changed region starts with one.
_CURSOR_TO = re.compile(r"\x1b\[(\d+);(\d+)H")
# A piece not yet ended by a cursor move is kept at most this long for the next read.
_LONGEST_PIECE = 1 << 16


@dataclass(frozen=True)
class Piece:
    """What the app drew from one cursor position up to the next cursor move: a line,
    or the part of one that changed, with its escape sequences."""

    row: int
    column: int
    raw: str

    @property
    def plain(self) -> str:
        return _ESCAPES.sub("", self.raw)


PieceWatch = Callable[[float, Piece], None]
"""Called on the stream's thread with each piece drawn and when it was read. A piece
split between two reads is passed again, longer, once the rest has come."""


class ScreenStream:
    """Follows the file tmux pipes the pane's output to; notes when texts first appear.

    With `plain`, texts are also looked for with escape sequences removed, so a text
    drawn in several styles (a bold lane name, then its count) is found as one.
    """

    def __init__(self, path: Path, *, plain: bool = False, watch: PieceWatch | None = None) -> None:
        self._path = path
        self._plain = plain
        self._watch = watch
        self._lock = threading.Lock()
        self._wanted: dict[str, float | None] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._follow, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def expect(self, text: str) -> None:
        with self._lock:
            self._wanted[text] = None

    def seen_at(self, text: str) -> float | None:
        with self._lock:
            return self._wanted.get(text)

    def wait_for(self, text: str, timeout: float) -> float | None:
        """When `text` appeared (it must be expected already), or None after `timeout`."""
        deadline = time.monotonic() + timeout
        while (seen := self.seen_at(text)) is None and time.monotonic() < deadline:
            time.sleep(0.001)
        return seen

    def _follow(self) -> None:
        while not self._path.exists():
            time.sleep(0.01)
        tail = ""
        piece = ""  # the last piece seen, which the next read may continue
        decoder = codecs.getincrementaldecoder("utf-8")("replace")  # a character may be split
        with self._path.open("rb") as stream:
            while not self._stop.is_set():
                data = stream.read()
                if not data:
                    time.sleep(0.001)
                    continue
                now = time.monotonic()
                text = decoder.decode(data)
                # Keep a little of the previous read: a text may straddle two reads.
                window = tail + text
                tail = window[-64:]
                plain = _ESCAPES.sub("", window) if self._plain else ""
                with self._lock:
                    for wanted, when in self._wanted.items():
                        if when is None and (wanted in window or wanted in plain):
                            self._wanted[wanted] = now
                if self._watch is not None:
                    if _CURSOR_TO.match(text):
                        piece = ""  # the last piece had ended: it is not passed again
                    piece = self._pass_pieces(now, piece + text)[-_LONGEST_PIECE:]

    def _pass_pieces(self, now: float, drawn: str) -> str:
        """Every piece of `drawn` to the watch; the last one, which may go on, returned."""
        assert self._watch is not None
        moves = list(_CURSOR_TO.finditer(drawn))
        if not moves:
            return drawn
        ends = [move.start() for move in moves[1:]] + [len(drawn)]
        for move, end in zip(moves, ends, strict=True):
            row, column = int(move.group(1)), int(move.group(2))
            self._watch(now, Piece(row, column, drawn[move.end() : end]))
        return drawn[moves[-1].start() :]


@dataclass
class Pane:
    """The app running in a tmux pane."""

    socket: str
    stream: ScreenStream
    started: float
    """time.monotonic() when the app's command was sent to the pane."""
    ready_at: float
    """time.monotonic() when the last of the awaited texts was drawn."""

    def send_keys(self, *keys: str) -> None:
        send_keys(self.socket, *keys)

    @property
    def pid(self) -> int:
        """The app's process: the pane's own, since the shell `exec`s it."""
        shown = subprocess.run(
            ["tmux", "-L", self.socket, "display", "-p", "-t", "bench", "#{pane_pid}"],
            check=True,
            capture_output=True,
            text=True,
        )
        return int(shown.stdout)

    def memory_kib(self, field: str = "VmRSS") -> int:
        """The app's resident memory in KiB from /proc: VmRSS now, VmHWM its peak."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
        raise RuntimeError(f"no {field} in /proc status")


def send_keys(socket: str, *keys: str) -> None:
    subprocess.run(["tmux", "-L", socket, "send-keys", "-t", "bench", *keys], check=True)


@contextmanager
def app_in_tmux(
    db: Path | str,
    work: Path,
    *,
    socket: str,
    ready: Sequence[str] = ("BOARD",),
    settle: float = 1.0,
    plain: bool = False,
    command: Sequence[str] | None = None,
    watch: PieceWatch | None = None,
) -> Iterator[Pane]:
    """The app on `db` (a file or a URL) in a tmux pane, its output followed.

    Yields once every text of `ready` has been drawn and `settle` seconds more have
    passed (the first load and the change feed's first check). `command`: another
    program to run in its place (a floor to compare with). `watch`: given every piece
    the app draws (see Piece), from its first frame on.
    """
    stream_file = work / f"screen-{time.monotonic_ns()}.log"
    argv = command or [sys.executable, "-m", "ringmaster_tui", str(db)]
    shell_command = shlex.join(argv)
    tmux = ["tmux", "-L", socket]
    columns, rows = SIZE
    for attempt in range(5):  # a server still shutting down from the last run refuses
        started = subprocess.run(
            [*tmux, "new-session", "-d", "-s", "bench", "-x", str(columns), "-y", str(rows)],
            check=False,
        )
        if started.returncode == 0:
            break
        time.sleep(0.5 * (attempt + 1))
    subprocess.run([*tmux, "pipe-pane", "-t", "bench", f"cat >> {stream_file}"], check=True)
    stream = ScreenStream(stream_file, plain=plain, watch=watch)
    stream.start()
    for text in ready:
        stream.expect(text)
    launched = time.monotonic()
    subprocess.run(
        [*tmux, "send-keys", "-t", "bench", f"exec {shell_command}", "Enter"], check=True
    )
    try:
        drawn = [stream.wait_for(text, timeout=launched + 30 - time.monotonic()) for text in ready]
        if None in drawn:
            missing = [text for text, at in zip(ready, drawn, strict=True) if at is None]
            raise SystemExit(f"the dashboard did not draw {missing} within 30 s")
        time.sleep(settle)
        ready_at = max(at for at in drawn if at is not None)
        yield Pane(socket=socket, stream=stream, started=launched, ready_at=ready_at)
    finally:
        stream.stop()
        subprocess.run([*tmux, "kill-server"], check=False)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(fraction * len(ordered)), len(ordered) - 1)]

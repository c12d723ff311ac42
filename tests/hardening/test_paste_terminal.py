"""Bracketed pastes as a terminal sends them: ESC[200~ ... ESC[201~ around text that may hold
ESC, whole escape sequences, an ESC[201~ of its own, line breaks and control characters,
in one read or split across many. All of it is one paste; none of it is a key.

First the input parser the app's driver uses, fed strings as the driver reads them; then
the real app on a real pty, where Textual's own parser let such a paste press escape,
enter, `a` and `q` (it cleared the filter, opened a card, moved one and quit)."""

from __future__ import annotations

import fcntl
import os
import struct
import termios
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from textual import constants, events
from textual.message import Message

from ringmaster_tui.ui.paste_guard import PasteGuardParser
from tests.builders import build_standard_board
from tests.hardening.pty_session import TerminalSession
from tests.hardening.tour import dump

START = "\x1b[200~"
END = "\x1b[201~"


def pasted(text: str) -> str:
    return START + text + END


def seen(messages: list[Message]) -> list[tuple[str, str]]:
    """Each event as (kind, what): ("paste", its text), ("key", its name), (class name, "")."""
    out: list[tuple[str, str]] = []
    for message in messages:
        if isinstance(message, events.Paste):
            out.append(("paste", message.text))
        elif isinstance(message, events.Key):
            out.append(("key", message.key))
        else:
            out.append((type(message).__name__, ""))
    return out


def parse(*reads: str) -> list[tuple[str, str]]:
    """What the parser makes of `reads` (one feed each), then of the end of the input."""
    parser = PasteGuardParser()
    messages = [message for data in reads for message in parser.feed(data)]
    return seen([*messages, *parser.feed("")])


def ticks_until(
    parser: PasteGuardParser, done: Callable[[list[Message]], bool], timeout: float = 10.0
) -> list[Message]:
    """Tick the parser (as the driver does between reads) until `done(what it made)`."""
    made: list[Message] = []
    deadline = time.monotonic() + timeout
    while not done(made):
        assert time.monotonic() < deadline, f"still waiting; made {seen(made)!r}"
        time.sleep(0.005)
        made += parser.tick()
    return made


# Each holds what Textual's parser turned into keys or other events inside a paste.
CONTENTS = {
    "escape then a key": "a\x1bq",
    "escape, enter, a and q as keys": "\x1b\x1b\r\x1b\x1ba\x1b\x1bq",
    "colours": "\x1b[31mred\x1b[0m q",
    "arrows and function keys": "\x1b[A\x1b[B\x1bOP\x1b[20~\x1b[2~",
    "kitty keys (q, ctrl+a)": "\x1b[113u\x1b[97;5u",
    "a mouse click": "\x1b[<0;10;5M\x1b[<0;10;5m",
    "focus in and out": "\x1b[I\x1b[O",
    "an in-band resize": "\x1b[48;24;80;480;800t",
    "OSC title and clipboard": "\x1b]2;pwned\x07\x1b]52;c;aGk=\x07",
    "escape last": "x\x1b",
    "long after an escape": "\x1b" + "z" * 100,
    "a paste start inside": START + "nested",
    "lines and controls": "line 1\r\nline 2\n\tx\x03\x04\x7f\x1b\x08",
}


@pytest.mark.parametrize("content", CONTENTS.values(), ids=CONTENTS.keys())
def test_everything_in_a_paste_is_its_text(content: str) -> None:
    assert parse(pasted(content)) == [("paste", content)]


def test_a_paste_split_anywhere_across_reads_is_still_one_paste() -> None:
    content = "a\x1bq\x1b[31m\r\n\x1b\x1b[201x\x1b"
    data = pasted(content)
    for cut in range(1, len(data)):
        assert parse(data[:cut], data[cut:]) == [("paste", content)], cut
    assert parse(*data) == [("paste", content)]  # a read per character


def test_an_escape_at_the_end_of_a_read_waits_for_the_rest_of_the_paste() -> None:
    parser = PasteGuardParser()
    assert seen(list(parser.feed(START + "ab\x1b"))) == []
    # Textual's parser gave up on the sequence after ESCDELAY and pressed escape.
    waited_from = time.monotonic()
    made = ticks_until(
        parser, lambda _: time.monotonic() > waited_from + 3 * constants.ESCAPE_DELAY
    )
    assert seen(made) == []

    made = list(parser.feed("q" + END))
    made += ticks_until(parser, bool)
    assert seen(made) == [("paste", "ab\x1bq")]

    # The keyboard is the keyboard again: a lone escape, then a key.
    assert seen(list(parser.feed("\x1b"))) == []
    assert seen(ticks_until(parser, bool)) == [("key", "escape")]
    assert seen(list(parser.feed("j"))) == [("key", "j")]


def test_an_end_inside_the_paste_does_not_end_it() -> None:
    # A terminal that does not filter pastes sends the copied text's ESC[201~ as it is.
    content = "abc" + END + "aq" + END + "\x1b\r"
    assert parse(pasted(content)) == [("paste", content)]
    data = pasted(content)
    for cut in range(1, data.index("aq")):  # split before the rest was due
        assert parse(data[:cut], data[cut:]) == [("paste", content)], cut


def test_keys_around_a_paste_stay_keys_in_order() -> None:
    parser = PasteGuardParser()
    made = list(parser.feed("j" + pasted("a\x1bb") + "k\x1b[A\x1b[20~\x1b[2~"))
    made += ticks_until(parser, lambda more: len(made) + len(more) >= 6)
    assert seen(made) == [
        ("key", "j"),
        ("paste", "a\x1bb"),
        ("key", "k"),
        ("key", "up"),
        ("key", "f9"),
        ("key", "insert"),
    ]


def test_a_very_long_paste_with_escapes_is_one_paste() -> None:
    content = "".join(f"line {n} \x1b[1mq\x1b[0m a\x1b\r\n" for n in range(40_000))
    data = pasted(content)
    reads = [data[i : i + 4096] for i in range(0, len(data), 4096)]  # as the driver reads
    assert parse(*reads) == [("paste", content)]


def test_input_that_ends_inside_a_paste_leaves_text_not_keys() -> None:
    assert parse(START + "a\x1bq\x1b[") == [("paste", "a\x1bq\x1b[")]


# --- the app on a pty ---

# Textual's parser, for this paste into the filter: escape (the filter closes), enter (the
# selected card opens), escape (back), `a` (the card moves), escape, `q` (the app quits).
INTO_FILTER = "Sketch\x1b\x1b\r\x1b\x1ba\x1b\x1bq"
INTO_FILTER_SHOWN = "Sketch␛␛ ␛␛a␛␛q"
# On the board (no text field focused), with an end of its own before the last keys.
ON_BOARD = "\x1b\x1b\r\x1b\x1ba" + END + "aq"
ON_BOARD_SHOWN = "␛␛ ␛␛a␛[201~aq"
FILTER_HINT = "filter titles and descriptions"
DETAIL_FOOTER = "Latest diff"  # the card detail's keys


@contextmanager
def dashboard(tmp_path: Path) -> Iterator[tuple[TerminalSession, Path]]:
    db = tmp_path / "board.db"
    build_standard_board(db).close()
    with TerminalSession(db, size=(120, 40)) as app:
        app.wait_for("Sketch the API")
        yield app, db


def unread_input(app: TerminalSession) -> int:
    """Bytes typed that the app has not read yet (its terminal's input queue)."""
    fd = os.open(f"/proc/{app.process.pid}/fd/0", os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
    try:
        queued = fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0")
    finally:
        os.close(fd)
    return int(struct.unpack("i", queued)[0])


def type_in_reads(app: TerminalSession, pieces: list[str]) -> None:
    """Each piece written once the app has read the one before: one read each."""
    for index, piece in enumerate(pieces):
        if index:
            deadline = time.monotonic() + 30
            while unread_input(app):
                assert time.monotonic() < deadline, "the app stopped reading"
                app._read(0.01)
        app.type(piece.encode())


def cut_after_each_escape(data: str) -> list[str]:
    """`data` (a paste) cut after every ESC but its start's: reads that end on an ESC are
    what made Textual's parser give up waiting and press keys."""
    parts = data.split("\x1b")
    pieces = [part + "\x1b" for part in parts[:-1]] + [parts[-1]]
    return [pieces[0] + pieces[1], *pieces[2:]]  # the paste's start in one read


def filtered_by(app: TerminalSession, shown: str) -> None:
    """Wait for the board filtered by `shown`: the field shows it, the board searched it."""
    app.wait_for(shown, f"No card matches “{shown}”")


def leave(app: TerminalSession) -> None:
    """Escape clears the filter (the cards come back), q quits, as a user would end."""
    app.type(b"\x1b")
    app.wait_for("Write the plan")
    assert app.quit() == 0


@pytest.mark.parametrize("reads", ["one", "many"])
def test_a_paste_into_the_filter_stays_in_the_filter(tmp_path: Path, reads: str) -> None:
    with dashboard(tmp_path) as (app, db):
        before = dump(db)
        app.type(b"/")
        app.wait_for(FILTER_HINT)
        data = pasted(INTO_FILTER)
        type_in_reads(app, [data] if reads == "one" else cut_after_each_escape(data))
        filtered_by(app, INTO_FILTER_SHOWN)
        assert app.process.poll() is None
        leave(app)

    assert DETAIL_FOOTER not in app.raw
    assert dump(db) == before


@pytest.mark.parametrize("reads", ["one", "many"])
def test_a_paste_on_the_board_opens_the_filter_and_presses_nothing(
    tmp_path: Path, reads: str
) -> None:
    with dashboard(tmp_path) as (app, db):
        before = dump(db)
        data = pasted(ON_BOARD)
        # Many: cut after each escape and inside the paste's own ESC[201~; what follows
        # that one comes with it, as a terminal sends a paste.
        last = data.index(END) + 3
        pieces = [*cut_after_each_escape(data[:last]), data[last:]]
        type_in_reads(app, [data] if reads == "one" else pieces)
        filtered_by(app, ON_BOARD_SHOWN)
        assert app.process.poll() is None
        leave(app)

    assert DETAIL_FOOTER not in app.raw
    assert dump(db) == before

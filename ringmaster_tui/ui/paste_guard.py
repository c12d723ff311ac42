"""Terminal input in which a bracketed paste is text and never keys.

A terminal sends a paste as ESC[200~ TEXT ESC[201~. Textual 8.2.8's XTermParser reads
TEXT one character at a time, but an ESC inside it starts its escape-sequence reader,
which does not know it is inside a paste:

- the characters after that ESC go into the sequence, not into the paste's text;
- the sequence ends at the next ESC (often the one of ESC[201~), after 32 characters, or
  when no character came for ESCDELAY (100 ms: a paste split across two reads), and is
  then sent as key presses: ESC as `^` or escape, then each character as its key;
- focus reports (ESC[I) and in-band resizes found in TEXT become those events;
- the paste, with those characters missing and its last one cut, comes after the keys.

So a paste of "x ESC ESC CR ESC ESC a ESC ESC q" into the filter pressed escape (the
filter closed), enter (a card opened), `a` (the card moved) and `q` (the app quit).

`PasteGuardParser` puts a small reader of its own in front of Textual's parser. Outside
a paste it hands every character on, so Textual's parser reads keys, mouse, focus,
resizes and terminal replies as before (a sequence cut short by an ESC goes out as on its
timeout). It keeps the ESC[200~ that starts a paste; from there every character is the
paste's text until its end: no escape sequence is read, no timeout runs, and Textual's
parser sees none of it.

An ESC[201~ inside TEXT (copied from a terminal log; terminals that do not filter pastes
send it as it is) would end the paste early and let the rest be keys. So after an
ESC[201~ the paste is held until the input has been quiet for PASTE_SETTLE_SECONDS: if
another ESC[201~ comes first, the one before was text, and so is what came between. What
came after the last one is input as usual, in order, once the paste is out. The price: a
paste reaches the app about 0.1 s after its end; keys typed within that time wait, and
are not lost. Input that goes on and on after an end (a mouse moving) is let through
after PASTE_SETTLE_LIMIT_SECONDS. So a look-alike end still ends the paste when the rest
comes after a pause longer than PASTE_SETTLE_SECONDS (a stalled link) or takes longer
than PASTE_SETTLE_LIMIT_SECONDS (megabytes).

`PasteGuardDriver` is Textual's Linux driver reading with this parser (its input loop,
copied: the driver makes its parser there). NUL characters are dropped from a paste, as
Textual does (textual#1661). Making the text visible is for the app, which knows the
field (see ui/paste_routing.py).

This uses Textual's private parser classes (textual._parser, textual._xterm_parser);
tests/hardening/test_paste_terminal.py checks it against the Textual version installed.
"""

from __future__ import annotations

import os
import selectors
import time
from codecs import getincrementaldecoder
from collections import deque
from collections.abc import Generator
from contextlib import suppress
from typing import Final

from textual import constants, events
from textual._parser import ParseEOF, ParseError, ParseTimeout, Peek1, Read1, TokenCallback
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

ESC: Final = "\x1b"
PASTE_START: Final = "\x1b[200~"
PASTE_END: Final = "\x1b[201~"
PASTE_SETTLE_SECONDS: Final = 0.1
"""Quiet after an ESC[201~ before the paste is taken as ended (ESCDELAY's default: what
Textual allows a terminal for the rest of one sequence)."""
PASTE_SETTLE_LIMIT_SECONDS: Final = 1.0
"""The longest a paste waits for the input to go quiet after an ESC[201~."""

# Where the reader is: keys (Textual's parser reads), a paste's text, after an end.
_KEYS, _PASTE, _SETTLE = range(3)


def _ends_with_end(characters: list[str]) -> bool:
    return "".join(characters[-len(PASTE_END) :]) == PASTE_END


class PasteGuardParser(XTermParser):
    """XTermParser for everything but bracketed pastes, which become one Paste each."""

    def parse(self, token_callback: TokenCallback[Message]) -> Generator[Read1 | Peek1, str, None]:
        keys = super().parse(token_callback)
        wanted = next(keys)  # what Textual's parser waits for (a timeout: a sequence's rest)
        held = ""  # read outside a paste, not given on yet: the start of PASTE_START, maybe
        state = _KEYS
        text: list[str] = []  # the paste's text so far
        after: list[str] = []  # since the latest PASTE_END: more text, or input after it
        settle_limit = 0.0
        replay: deque[str] = deque()  # input that followed a paste, read once it is out
        replay_is_late = False  # it waited out a quiet time: what it leaves open stays so

        def give(characters: str) -> None:
            nonlocal wanted
            for character in characters:
                try:
                    wanted = keys.send(character)
                except StopIteration:  # it saw the end of the input: nothing more to read
                    return

        def give_up_waiting() -> None:
            """Textual's parser waits for the rest of a sequence: it will not come."""
            nonlocal wanted
            if wanted.timeout is not None:
                wanted = keys.throw(ParseTimeout())

        def paste_out() -> None:
            nonlocal state
            token_callback(events.Paste("".join(text).replace("\x00", "")))
            text.clear()
            replay.extend(after)
            after.clear()
            state = _KEYS

        while True:
            if replay:
                character = replay.popleft()
            else:
                if replay_is_late:
                    # Replayed from a timeout, whose answer Parser.tick does not time:
                    # this input has waited enough, so what it left unfinished is done.
                    replay_is_late = False
                    if state == _KEYS:
                        give(held)
                        held = ""
                        give_up_waiting()
                if state == _PASTE:
                    timeout = None  # a paste's text has no timeouts: it ends at its end
                elif state == _SETTLE:
                    timeout = PASTE_SETTLE_SECONDS
                else:
                    timeout = constants.ESCAPE_DELAY if held else wanted.timeout
                try:
                    character = yield self.read1(timeout)
                except ParseTimeout:
                    if state == _SETTLE:
                        paste_out()
                        replay_is_late = True
                    else:
                        give(held)
                        held = ""
                        give_up_waiting()
                    continue
                except ParseEOF:
                    if state != _KEYS:
                        paste_out()  # as far as it came: still text
                    give(held + "".join(replay))
                    with suppress(StopIteration, ParseEOF):  # ParseEOF: it had ended
                        keys.throw(ParseEOF())
                    return

            if state == _PASTE:
                text.append(character)
                if character == "~" and _ends_with_end(text):
                    del text[-len(PASTE_END) :]
                    state = _SETTLE
                    settle_limit = time.monotonic() + PASTE_SETTLE_LIMIT_SECONDS
                continue

            if state == _SETTLE:
                after.append(character)
                if character == "~" and _ends_with_end(after):
                    # The end before this one was text, and so is what came between.
                    text.append(PASTE_END)
                    text.extend(after[: -len(PASTE_END)])
                    after.clear()
                    settle_limit = time.monotonic() + PASTE_SETTLE_LIMIT_SECONDS
                elif time.monotonic() >= settle_limit:
                    paste_out()
                continue

            if held:
                candidate = held + character
                if PASTE_START.startswith(candidate):
                    held = candidate
                    if held == PASTE_START:
                        held = ""
                        state = _PASTE
                    continue
                give(held)
                held = ""
            if character == ESC:
                # An ESC ends any sequence Textual's parser was reading, as in its own loop.
                give_up_waiting()
                held = ESC
                continue
            give(character)


class PasteGuardDriver(LinuxDriver):
    """Textual's Linux driver, reading the terminal with PasteGuardParser."""

    def run_input_thread(self) -> None:
        # LinuxDriver.run_input_thread of Textual 8.2.8, with the parser swapped.
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        fileno = self.fileno
        parser = PasteGuardParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode

        def process_selector_events(
            selector_events: list[tuple[selectors.SelectorKey, int]], final: bool = False
        ) -> None:
            for index, (_key, mask) in enumerate(selector_events):
                if mask & selectors.EVENT_READ:
                    last = index == len(selector_events) - 1
                    unicode_data = decode(os.read(fileno, 1024 * 4), final=final and last)
                    if not unicode_data:
                        break  # stdin is piped
                    for event in parser.feed(unicode_data):
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                process_selector_events(selector.select(0.1))
            selector.unregister(self.fileno)
            process_selector_events(selector.select(0.1), final=True)
        finally:
            selector.close()
            with suppress(EOFError, ParseError):
                for _event in parser.feed(""):
                    pass

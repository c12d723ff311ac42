"""Property: whatever text and JSON another tool writes into any text or JSON column,
rendering the board, the views, a card's detail, an error, a decision and an attempt's
review never raises and never lets a control character reach the terminal."""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from textual.pilot import Pilot

from ringmaster_tui.ui.app import RingmasterApp
from tests.builders import DbBuilder
from tests.hardening.databases import lawless
from tests.hardening.tour import first_load
from tests.ui.helpers import board, until
from tests.ui.snap_apps import make_app

NASTY = (
    "\x1b]2;pwned\x07",  # OSC: retitle the terminal
    "\x1b]52;c;aGk=\x07",  # OSC 52: write the clipboard
    "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1b[2J\x1b[H",  # CSI: clear the screen
    "\x9b31m",  # C1 CSI
    "\x1bP1$r\x1b\\",  # DCS
    "[b]bold[/b]",
    "[/]",
    "[link=http://x]y[/link]",
    "[@click=app.quit]q[/]",
    "\u202eevil\u202c",  # bidi override
    "\u2066iso\u2069",
    "\x00\x07\x08\x7f\r",
    "界界界界界",  # wide characters
    "👩‍👩‍👧",
    "e\u0301\u0301\u0301",
    "\t\n\u2028",
)
ALL_NASTY = "".join(NASTY)

hostile = st.one_of(
    st.text(max_size=40),
    st.sampled_from(NASTY),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=8)), max_size=5).map("".join),
)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile, inner, max_size=4),
    max_leaves=12,
)
json_text = st.one_of(json_value.map(lambda v: json.dumps(v, ensure_ascii=False)), hostile)

# Textual's own styling and cursor moves: the only escape sequences allowed out.
_OWN_SEQUENCES = re.compile(r"\x1b\[[0-9;]*[mHJK]|\x1b\[\?[0-9;]*[hl]")
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def _controls(text: str) -> list[str]:
    """Control characters (C0 but newline, DEL, C1), bidi controls, lone surrogates."""
    return [
        ch
        for ch in text
        if ch != "\n" and (unicodedata.category(ch) in ("Cc", "Cs") or ch in _BIDI)
    ]


def assert_nothing_escapes(app: RingmasterApp) -> None:
    update = app.screen._compositor.render_full_update()
    for line in update.strips:
        for strip in line:
            for segment in strip:
                if not segment.control:
                    assert not _controls(segment.text), repr(segment.text)
    output = update.render_segments(app.console)
    assert not _controls(_OWN_SEQUENCES.sub("", output)), repr(output)


def build(db: Path, t: dict[str, Any]) -> str:
    """One row in every table, every text and JSON column from `t`; the card's id."""
    b = DbBuilder(db)
    with lawless(b):
        project = b.project(t["name"], id="project-x", description=t["text"])
        card = b.card(
            project,
            t["title"],
            "code_review",
            description=t["text"],
            task_prompt=t["other"],
            labels=t["json"],
            branch_name=t["other"],
            pull_request_url=t["text"],
            worktree_path=t["other"],
            previous_state=t["other"],
            loop_iteration=2,
        )
        other = b.card(project, t["other"], t["state"])  # a state nobody knows, maybe
        b.criterion(card, t["text"])
        b.dependency(card, other, kind=t["other"])
        attempt = b.attempt(
            card,
            1,
            t["other"],
            agent_type=t["text"],
            output=t["text"],
            error_message=t["title"],
            commit_sha=t["other"],
            diff_stats=t["json"],
        )
        b.error(
            card,
            t["title"],
            error_type=t["other"],
            stack_trace=t["text"],
            context=t["json"],
            category=t["other"],
            severity=t["other"],
            attempt_id=attempt,
        )
        b.transition(card, t["other"], "code_review", trigger=t["text"], metadata=t["json"])
        b.insert(
            "loop_snapshots",
            card_id=card,
            iteration=1,
            state=t["json"],
            checkpoint_commit=t["other"],
        )
        b.decision(
            t["title"],
            t["json"],
            decision_type=t["other"],
            default_option=t["other"],
            requested_by=t["text"],
            context=t["json"],
            card_id=card,
        )
        b.alert(t["title"], "critical", alert_type=t["other"], source=t["text"], card_id=card)
    b.close()
    return card


async def render_every_screen(pilot: Pilot[Any], card: str) -> None:
    app = await first_load(pilot)
    assert_nothing_escapes(app)
    for key in "2345":
        await pilot.press(key)
        await pilot.pause()
        assert_nothing_escapes(app)
    await pilot.press("1")
    assert board(app).select_card(card)
    await pilot.press("enter")  # the card's detail
    await until(pilot, lambda: getattr(app.screen, "detail", None) is not None)
    assert_nothing_escapes(app)
    await pilot.press("enter")  # its attempt's review, then the output
    await until(pilot, lambda: getattr(app.screen, "data", None) is not None)
    await pilot.press("o")
    await pilot.pause()
    assert_nothing_escapes(app)
    for key in ("3", "4"):  # an error's detail, a decision's dialog
        await pilot.press(key, "enter")
        await until(pilot, lambda: getattr(app.screen, "detail", None) is not None)
        assert_nothing_escapes(app)
        await pilot.press("escape")


async def _run(db: Path, card: str) -> None:
    async with make_app(db).run_test(size=(100, 30)) as pilot:
        await render_every_screen(pilot, card)


# Each example runs the whole app: a few examples, and no shrinking (minutes per failure);
# NASTY puts the worst cases in early.
@settings(
    max_examples=5,
    deadline=None,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow],
)
@example(
    title=ALL_NASTY,
    text=ALL_NASTY,
    other=ALL_NASTY,
    name=ALL_NASTY,
    json=json.dumps({ALL_NASTY: [ALL_NASTY, {"k": ALL_NASTY}]}, ensure_ascii=False),
    state=ALL_NASTY,
)
@given(
    title=hostile,
    text=hostile,
    other=hostile,
    name=hostile,
    json=json_text,
    state=st.sampled_from(["draft", "coding"]) | hostile,
)
def test_any_text_renders_without_escaping(
    title: str, text: str, other: str, name: str, json: str, state: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "hostile.db"
        texts = {"title": title, "text": text, "other": other, "name": name, "json": json}
        card = build(db, {**texts, "state": state})
        asyncio.run(_run(db, card))

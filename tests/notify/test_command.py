"""The notify command: split like shell words, run without a shell, bounded."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from ringmaster_tui.notify.command import BadCommand, NotifyCommand
from tests.notify.helpers import Script, process_gone, wait_until


def test_words_are_split_as_a_shell_would_and_never_run_by_one(tmp_path: Path) -> None:
    command = NotifyCommand.parse("notify-send 'two words' \"$HOME\" a\\ b")
    assert command.argv == ("notify-send", "two words", "$HOME", "a b")


@pytest.mark.parametrize("text", ["", "   ", "a 'b"])
def test_an_empty_or_unbalanced_command_is_refused(text: str) -> None:
    with pytest.raises(BadCommand):
        NotifyCommand.parse(text)


def test_stdin_reaches_the_command(recorder: Script) -> None:
    payload = json.dumps({"summary": "$(touch x) `y` \x1b]2;t\x07"}).encode() + b"\n"
    assert NotifyCommand.parse(recorder.command).run(payload) is None
    assert recorder.records()[0]["stdin"] == payload.decode()


def test_a_shell_runs_when_the_user_writes_one(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    command = NotifyCommand.parse(f"sh -c 'cat > {out}'")
    assert command.run(b'{"id": "$(id)"}\n') is None
    assert out.read_text() == '{"id": "$(id)"}\n'


def test_a_missing_program_is_a_failure_not_an_exception(tmp_path: Path) -> None:
    failure = NotifyCommand.parse(str(tmp_path / "no-such-notifier")).run(b"{}")
    assert failure is not None and "cannot run" in str(failure)
    assert "No such file" in str(failure)


def test_a_failure_quotes_the_end_of_stderr(failing: Script) -> None:
    failure = NotifyCommand.parse(failing.command).run(b"{}")
    assert failure is not None
    assert failure.reason == "python failed (exit status 3)"
    assert failure.detail == "webhook said 503"


def test_a_command_killed_by_a_signal_says_so() -> None:
    failure = NotifyCommand.parse(f"{sys.executable} -c 'import os; os.kill(os.getpid(), 9)'").run(
        b""
    )
    assert failure is not None and failure.reason == "python failed (killed by SIGKILL)"


def test_a_hanging_command_and_its_children_are_killed(hanging: Script) -> None:
    failure = NotifyCommand.parse(hanging.command, timeout=1.0).run(b"{}")
    assert failure is not None and "did not finish within 1 s; killed" in failure.reason
    pids = [int(pid) for pid in hanging.lines()[0].split()]
    wait_until(lambda: all(process_gone(pid) for pid in pids))


def test_a_command_that_ignores_its_stdin_is_fine(tmp_path: Path) -> None:
    assert NotifyCommand.parse("true").run(b"x" * 1_000_000) is None

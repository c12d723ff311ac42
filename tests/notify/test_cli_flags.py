"""The notify flags reach the settings the dashboard and watch are made from."""

from __future__ import annotations

import pytest

from ringmaster_tui.cli import _command_parsers, _open_parser
from ringmaster_tui.commands import settings_from


def test_notify_terminal_is_a_flag_the_database_may_follow() -> None:
    settings = settings_from(_open_parser().parse_args(["--notify-terminal", "loops.db"]))
    assert settings.db == "loops.db" and settings.notify_terminal == "osc9"


def test_a_terminal_style_implies_terminal_notifications() -> None:
    args = _open_parser().parse_args(["loops.db", "--notify-terminal-style", "osc777"])
    assert settings_from(args).notify_terminal == "osc777"


def test_no_terminal_notifications_unless_asked() -> None:
    assert settings_from(_open_parser().parse_args(["loops.db"])).notify_terminal is None


def test_watch_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RINGMASTER_TUI_NOTIFY_SEVERITY", "error")
    watch = _command_parsers()["watch"]
    from_env = settings_from(watch.parse_args(["loops.db", "--notify-command", "notify-me --now"]))
    assert from_env.notify_severity == "error"  # the environment, when no flag says
    assert from_env.notify_command == "notify-me --now" and from_env.notify_timeout == 10.0
    flagged = settings_from(
        watch.parse_args(["loops.db", "--notify-severity", "warning", "--notify-timeout", "2.5"])
    )
    assert flagged.notify_severity == "warning" and flagged.notify_timeout == 2.5


@pytest.mark.parametrize("seconds", ["0", "-1", "nan", "soon", "7200"])
def test_a_bad_timeout_is_refused(seconds: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        _command_parsers()["watch"].parse_args(["loops.db", "--notify-timeout", seconds])
    assert "--notify-timeout" in capsys.readouterr().err

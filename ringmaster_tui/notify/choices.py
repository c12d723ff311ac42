"""The notify flags' choices: what the command line offers, importable on its own (the
other commands start without loading Rich)."""

from __future__ import annotations

from typing import Literal

# Most severe first. An alert of any other severity (or none) ranks with "info".
SEVERITIES: tuple[str, ...] = ("critical", "error", "warning", "info")
DEFAULT_SEVERITY = "critical"

Style = Literal["osc9", "osc777"]
"""Which terminal notification: OSC 9 (iTerm2, WezTerm, ...) or OSC 777 (urxvt, foot)."""
STYLES: tuple[Style, ...] = ("osc9", "osc777")

# How long the notify command may run before it is killed, in seconds.
DEFAULT_TIMEOUT = 10.0

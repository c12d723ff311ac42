"""Made-up but realistic text for demo data and simulated traffic."""

from __future__ import annotations

import json
import random

VERBS = ("Add", "Fix", "Refactor", "Document", "Speed up", "Harden", "Remove", "Test")
SUBJECTS = (
    "login flow",
    "billing export",
    "search index",
    "rate limiter",
    "webhook retries",
    "CSV import",
    "session cache",
    "audit log",
    "password reset",
    "feature flags",
    "metrics endpoint",
    "dark mode",
)
AGENTS = ("claude-opus-4", "claude-sonnet-4", "gpt-5-codex")
LAYERS = ("system", "project", "card", "history")
ERROR_KINDS = (
    ("test", "AssertionError", "expected 200, got 500 in test_{subject}"),
    ("build", "CompileError", "cannot find module '{subject}'"),
    ("runtime", "TypeError", "NoneType object is not subscriptable in {subject}"),
    ("deploy", "RolloutTimeout", "deployment {subject} not ready after 300s"),
    ("other", "LintError", "line too long in {subject}.py"),
)
ALERTS = (
    ("stuck", "Loop on “{title}” has not progressed for 30 minutes"),
    ("resource", "Token spend above budget on “{title}”"),
    ("regression", "A passing test started failing after “{title}”"),
    ("conflict", "Two loops edit the same file for “{title}”"),
    ("digression", "Agent output drifts from the task on “{title}”"),
)
DECISIONS = (
    ("architecture", "Which storage should “{title}” use?", ["sqlite", "postgres", "redis"]),
    ("stuck", "“{title}” failed 3 times: retry, split or abandon?", ["retry", "split", "abandon"]),
    ("conflict", "Two loops changed the same file for “{title}”: keep which?", ["ours", "theirs"]),
)


def card_title(rnd: random.Random) -> str:
    return f"{rnd.choice(VERBS)} {rnd.choice(SUBJECTS)}"


def subject_slug(title: str) -> str:
    return title.split(" ", 1)[-1].replace(" ", "_").lower()


def agent_output(rnd: random.Random, title: str, attempt: int, failed: bool) -> str:
    slug = subject_slug(title)
    lines = [
        f"[agent] attempt {attempt}: {title}",
        f"[agent] reading src/{slug}.py and tests/test_{slug}.py",
        "[agent] plan: 1) write a failing test 2) implement 3) run the suite",
    ]
    for step in range(rnd.randint(8, 30)):
        lines.append(f"[tool] edit src/{slug}.py: hunk {step} (+{rnd.randint(1, 9)} lines)")
    lines.append(f"[tool] pytest -q: {rnd.randint(10, 90)} passed")
    lines.append("[agent] FAILED: tests did not pass" if failed else "[agent] done, committing")
    return "\n".join(lines)


def stack_trace(error_type: str, slug: str) -> str:
    return (
        "Traceback (most recent call last):\n"
        f'  File "src/{slug}.py", line 42, in handle\n'
        "    result = process(payload)\n"
        f'  File "src/{slug}.py", line 17, in process\n'
        f"    raise {error_type}(...)\n"
    )


def loop_state(rnd: random.Random, iteration: int) -> str:
    return json.dumps(
        {"iteration": iteration, "phase": rnd.choice(["plan", "code", "test"]), "retries": 0}
    )

"""What the demo's and the simulator's agent works on and does: domains, tasks, the
steps it takes with their results, and the patterns it learns."""

from __future__ import annotations

import random

DOMAINS = ("auth", "billing", "search", "infra", "web-ui")
TASK_TYPES = (
    "code_generation",
    "debugging",
    "refactoring",
    "testing",
    "analysis",
    "documentation",
)
PATTERN_TYPES = ("tool_sequence", "error_resolution", "optimization", "testing_strategy")
EMBEDDING_MODELS = ("text-embedding-3-small", "nomic-embed-text-v1.5")

TASKS: dict[str, tuple[str, ...]] = {
    "auth": (
        "Fix the login redirect loop after a password reset",
        "Add refresh-token rotation to the session service",
        "Explain why SSO logins fail for users with a plus in their email",
    ),
    "billing": (
        "Prorate upgrades in the middle of a billing cycle",
        "Find why invoices round VAT differently from the ledger",
        "Write tests for the coupon stacking rules",
    ),
    "search": (
        "Speed up the autocomplete query for long prefixes",
        "Rank exact title matches above fuzzy ones",
        "Document the synonym file format",
    ),
    "infra": (
        "Make the deploy script retry a flaky health check",
        "Move the nightly backup to the new bucket",
        "Investigate the memory growth of the worker pods",
    ),
    "web-ui": (
        "Refactor the settings page into smaller components",
        "Fix the date picker in Safari",
        "Add keyboard navigation to the results list",
    ),
}

# (action, a result when it works, a result when it does not)
STEPS: tuple[tuple[str, str, str], ...] = (
    ("read_file {module}", "read 240 lines", "no such file: {module}"),
    ('search_code "{word}"', "12 matches in 5 files", "search timed out after 30s"),
    ("edit_file {module}", "+18 -6 lines", "patch did not apply: context changed"),
    ("run_tests tests/{word}", "48 passed", "3 failed: AssertionError in test_{word}"),
    ("run_linter", "no issues", "E501 line too long (4 places)"),
    ("type_check", "Success: no issues found", "error: Incompatible types in assignment"),
    ('ask_llm "how does {word} work?"', "explained in 6 paragraphs", "rate limited (429)"),
    ("git_commit", "committed 3f9c2e1", "nothing to commit"),
)
MODULES = ("src/{domain}/service.py", "src/{domain}/models.py", "src/{domain}/api.py")
WORDS = ("session", "token", "invoice", "index", "retry", "render", "cache")


def task(rnd: random.Random, domain: str) -> str:
    return rnd.choice(TASKS[domain])


def step(rnd: random.Random, domain: str, success: bool) -> tuple[str, str]:
    """A step's action and its result."""
    action, good, bad = rnd.choice(STEPS)
    values = {"module": rnd.choice(MODULES).format(domain=domain), "word": rnd.choice(WORDS)}
    return action.format(**values), (good if success else bad).format(**values)


def pattern_data(rnd: random.Random, pattern_type: str, domain: str) -> dict[str, object]:
    if pattern_type == "tool_sequence":
        tools = rnd.sample(["search_code", "read_file", "edit_file", "run_tests", "type_check"], 3)
        return {"domain": domain, "sequence": tools}
    if pattern_type == "error_resolution":
        return {
            "domain": domain,
            "error": rnd.choice(["AssertionError", "TimeoutError", "ImportError", "KeyError"]),
            "fix": rnd.choice(["re-read the fixture", "raise the timeout", "pin the version"]),
        }
    if pattern_type == "optimization":
        return {"domain": domain, "hint": rnd.choice(["cache the lookup", "batch the queries"])}
    return {"domain": domain, "strategy": rnd.choice(["test the edge first", "property tests"])}

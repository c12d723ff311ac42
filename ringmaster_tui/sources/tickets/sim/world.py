"""What the demo and the simulator write about: projects, their worker types with system
prompts, the plans their tickets follow, ticket titles and the words workers say."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class ProjectSpec:
    name: str
    path: str
    description: str
    worker_types: tuple[str, ...]
    plans: tuple[tuple[str, ...], ...]
    """The plans its tickets follow; projects order the same types differently."""


PROMPTS: dict[str, tuple[str, str]] = {
    "planner": ("Breaks a ticket into steps", "You plan the work: list the steps, the files."),
    "coder": ("Writes the change", "You write the code the plan asks for, with tests."),
    "reviewer": ("Reviews the diff", "You review the change for bugs, style and risk."),
    "tester": ("Runs and extends the tests", "You run the test suite and add missing cases."),
    "security": ("Checks for vulnerabilities", "You audit the change for security problems."),
    "docs": ("Updates the documentation", "You update the README and the docs for the change."),
}

PROJECTS: tuple[ProjectSpec, ...] = (
    ProjectSpec(
        "acme/webshop",
        "/srv/repos/webshop",
        "The shop's storefront and checkout",
        ("planner", "coder", "reviewer", "tester"),
        (
            ("planner", "coder", "reviewer", "tester"),
            ("coder", "reviewer"),
            ("planner", "coder", "tester"),
        ),
    ),
    ProjectSpec(
        "acme/billing",
        "/srv/repos/billing",
        "Invoices, payments and refunds",
        ("planner", "coder", "tester", "reviewer", "security"),
        (
            ("planner", "coder", "tester", "reviewer", "security"),
            ("coder", "tester", "reviewer"),
        ),
    ),
    ProjectSpec(
        "tools/cli",
        "/srv/repos/cli",
        "The command-line client",
        ("coder", "reviewer", "docs"),
        (("coder", "reviewer", "docs"), ("coder", "docs")),
    ),
)

TITLES = (
    "Add coupon codes to checkout",
    "Fix rounding in invoice totals",
    "Paginate the order history",
    "Retry failed webhook deliveries",
    "Cache product images at the edge",
    "Show stock levels on product pages",
    "Refund partial orders",
    "Export invoices as CSV",
    "Support two-factor login",
    "Rate-limit the search endpoint",
    "Add a --json flag to status",
    "Shell completion for zsh",
    "Migrate sessions to Redis",
    "Translate emails to German",
    "Remove the legacy cart API",
    "Audit log for admin actions",
    "Dark mode for the storefront",
    "Speed up the nightly report",
    "Validate VAT numbers",
    "Document the plugin interface",
)

SAYINGS: dict[str, tuple[str, ...]] = {
    "planner": (
        "Plan: 1) add the model 2) wire the endpoint 3) tests. Touches cart.py and api.py.",
        "Split in two steps; the migration goes first.",
    ),
    "coder": (
        "Implemented the change; 4 files, tests added.",
        "Pushed a fix for the failing case; `pytest -k cart` passes.",
        "Refactored the handler before adding the feature.",
    ),
    "reviewer": (
        "Looks good; one nit on naming in api.py.",
        "Requesting a change: the error path swallows the exception.",
    ),
    "tester": (
        "All 212 tests pass; added 3 for the edge cases.",
        "Found a flaky test in test_checkout; rerun passes.",
    ),
    "security": ("No injection risk found; inputs are validated.",),
    "docs": ("README and the usage page updated.",),
}

STOP_REASONS = (
    "exited with code 1: test suite failed",
    "killed after 30 minutes without output",
    "out of context tokens",
    "finished its queue",
)


def ticket_title(rnd: random.Random, number: int) -> str:
    return f"{TITLES[number % len(TITLES)]}" if number < len(TITLES) else rnd.choice(TITLES)


def saying(rnd: random.Random, worker_type: str) -> str:
    return rnd.choice(SAYINGS.get(worker_type, ("Done.",)))


def idle_queue(project: str, worker_type: str) -> str:
    """The queue a worker waits on; taking a ticket it names it (`coder:T-12`)."""
    return f"{project}/{worker_type}"


def ticket_queue(worker_type: str, ticket_id: str) -> str:
    return f"{worker_type}:{ticket_id}"

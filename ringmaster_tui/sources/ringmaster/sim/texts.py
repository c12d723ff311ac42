"""Made-up but realistic text: what people and agents write into an orchestrator's tables.

Pure functions of a random source (no I/O), shared by the demo data and the simulator.
Card titles and agent logs end up in source files and commit messages, so every name
derived from them goes through `identifier`, which keeps only [a-z0-9_].
"""

from __future__ import annotations

import itertools
import json
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

AGENTS = ("claude-opus-4", "claude-sonnet-4", "gpt-5-codex")
# Blended US dollars per 1,000 tokens, so costs look like a real bill.
PRICE_PER_1K_TOKENS = {"claude-opus-4": 0.045, "claude-sonnet-4": 0.009, "gpt-5-codex": 0.006}
HUMANS = ("alice", "bob", "chen", "dana")
PROMPT_LAYERS = ("system", "project", "card", "history")

# Real users' data holds text like this; the dashboard must show it literally.
HOSTILE_TITLE = "Render [b]markup[/b] and [red]colour tags[/red] in titles literally"
HOSTILE_DESCRIPTION = (
    "A customer pasted terminal output into the ticket: \x1b]2;pwned\x07 retitles a "
    "terminal, \x1b]52;c;cHduZWQ=\x07 writes its clipboard and \x1b[31mthis\x1b[0m is red. "
    "Show all of it as text; run none of it."
)
ANSI_GREEN, ANSI_RED, ANSI_RESET = "\x1b[32m", "\x1b[31m", "\x1b[0m"


@dataclass(frozen=True)
class Language:
    name: str
    source_path: str
    test_path: str
    test_command: str
    build_command: str


LANGUAGES: dict[str, Language] = {
    "python": Language(
        "python", "src/{package}/{module}.py", "tests/test_{module}.py", "pytest -q", "uv build"
    ),
    "typescript": Language(
        "typescript",
        "src/{package}/{module}.ts",
        "src/{package}/{module}.test.ts",
        "npx vitest run",
        "npm run build",
    ),
    "go": Language(
        "go",
        "internal/{module}/{module}.go",
        "internal/{module}/{module}_test.go",
        "go test ./...",
        "go build ./...",
    ),
}


@dataclass(frozen=True)
class ProjectSpec:
    name: str
    description: str
    language: str
    tech_stack: tuple[str, ...]
    conventions: str
    subjects: tuple[str, ...] = field(default=())

    @property
    def package(self) -> str:
        return identifier(self.name)


PROJECTS: tuple[ProjectSpec, ...] = (
    ProjectSpec(
        "payments-api",
        "Card payments, refunds and payouts behind one HTTP API",
        "python",
        ("python", "fastapi", "postgres", "redis"),
        "PEP 8, type hints everywhere, pytest; no new dependency without a decision",
        (
            "refund webhook",
            "idempotency keys",
            "payout scheduler",
            "currency rounding",
            "chargeback import",
            "ledger export",
            "rate limiter",
            "3-D Secure retries",
        ),
    ),
    ProjectSpec(
        "storefront-web",
        "The shop's web front end: catalogue, cart and checkout",
        "typescript",
        ("typescript", "react", "vite", "vitest"),
        "Strict TypeScript, function components, one test file per module",
        (
            "checkout form",
            "cart drawer",
            "search suggestions",
            "product gallery",
            "address autocomplete",
            "promo codes",
            "order history",
            "checkout copy in 日本語 🛒",
        ),
    ),
    ProjectSpec(
        "platform-infra",
        "Cluster services: rollouts, probes, backups and observability",
        "go",
        ("go", "kubernetes", "argocd", "terraform"),
        "gofmt, table-driven tests, errors wrapped with %w",
        (
            "health probes",
            "log shipping",
            "secret rotation",
            "canary rollout",
            "node autoscaler",
            "backup job",
            "metrics exporter",
            "DNS failover",
        ),
    ),
)

# (verb, conventional-commit type, why the card exists)
VERBS: tuple[tuple[str, str, str], ...] = (
    ("Add", "feat", "Customers keep asking for {subject}; support handles it by hand today."),
    ("Fix", "fix", "{Subject} fails for about 2% of requests since last week's release."),
    ("Refactor", "refactor", "{Subject} grew three copies of the same logic; merge them."),
    ("Speed up", "perf", "{Subject} is the slowest step in the p95 traces (410 ms)."),
    ("Harden", "fix", "A security review flagged {subject}: inputs are trusted too early."),
    ("Test", "test", "{Subject} has no tests for its error paths; two incidents came from there."),
    ("Document", "docs", "Nobody outside the team can operate {subject} without asking."),
)
CRITERIA = (
    "{Subject} has unit tests for the happy path and every error path",
    "`{test_command}` passes with no new warnings",
    "No change to the public API without a changelog entry",
    "p95 latency of {subject} stays under 200 ms in the load test",
    "Errors are logged once, with the request id",
    "docs/{module}.md explains how to operate it",
    "Feature flag `{module}` defaults to off",
)
LABELS = ("backend", "frontend", "infra", "bug", "feature", "tech-debt", "security", "perf")
HELPERS: tuple[tuple[str, str], ...] = (
    ("validate", "Reject input the handler cannot process"),
    ("normalize", "Bring fields into their canonical form"),
    ("apply_limits", "Enforce the per-account limits"),
    ("record_audit", "Write one audit entry per change"),
    ("emit_metrics", "Count the request in the metrics"),
    ("retry_transient", "Retry the errors worth retrying"),
    ("cache_result", "Keep the result for a short while"),
    ("redact_secrets", "Drop secrets before anything is logged"),
)
THOUGHTS = (
    "The handler trusts the payload before validating it; moving validation first.",
    "Two call sites build the same dict; extracting a helper keeps them in step.",
    "The test fixture shares state between tests, which explains the flakiness.",
    "Timeout is hard-coded in two places; reading it from one constant instead.",
    "The retry loop swallows the last exception; re-raising it with context.",
    "Checking the conventions file before touching the public API.",
    "The failing case is an empty payload; adding an explicit check.",
    "Metrics are emitted before the result is known; moving them after.",
)


@dataclass(frozen=True)
class CardText:
    title: str
    description: str
    task_prompt: str
    criteria: tuple[str, ...]
    labels: tuple[str, ...]


@dataclass(frozen=True)
class ErrorText:
    category: str
    error_type: str
    message: str
    stack_trace: str
    context: dict[str, Any]


@dataclass(frozen=True)
class DecisionText:
    decision_type: str
    summary: str
    options: tuple[str, ...]
    default_option: str
    context: dict[str, Any]


@dataclass(frozen=True)
class AlertText:
    source: str
    message: str
    context: dict[str, Any]


def identifier(text: str, fallback: str = "task") -> str:
    """A safe snake_case name for files and code: [a-z0-9_], starting with a letter."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    name = "_".join(words)[:40].strip("_")
    return name if name[:1].isalpha() else fallback


def camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(word.capitalize() for word in rest)


def spec_for(name: str, tech_stack_json: str | None) -> ProjectSpec:
    """The spec of a demo project, or a plausible one for any other project."""
    for spec in PROJECTS:
        if spec.name == name:
            return spec
    try:
        stack = json.loads(tech_stack_json or "[]")
    except ValueError:
        stack = []
    stack = stack if isinstance(stack, list) else []
    language = next((s for s in ("go", "typescript") if s in stack), "python")
    subjects = tuple(s for spec in PROJECTS if spec.language == language for s in spec.subjects)
    return ProjectSpec(name, "", language, tuple(map(str, stack)), "", subjects)


def module_of(title: str) -> str:
    """The module a card's work lives in: its subject without the leading verb."""
    for verb, _, _ in VERBS:
        if title.startswith(verb + " "):
            title = title[len(verb) + 1 :]
            break
    return identifier(title)


def files_of(spec: ProjectSpec, module: str) -> tuple[str, str]:
    language = LANGUAGES[spec.language]
    values = {"package": spec.package, "module": module}
    return language.source_path.format(**values), language.test_path.format(**values)


def card_text(rnd: random.Random, spec: ProjectSpec) -> CardText:
    verb, _, why = rnd.choice(VERBS)
    subject = rnd.choice(spec.subjects)
    title = f"{verb} {subject}"
    module = module_of(title)
    source, test = files_of(spec, module)
    language = LANGUAGES[spec.language]
    values = {
        "subject": subject,
        "Subject": subject[:1].upper() + subject[1:],
        "module": module,
        "test_command": language.test_command,
    }
    description = " ".join(
        [
            why.format(**values),
            f"Scope: {source} and its tests; no schema changes.",
            *([f"Related incident: INC-{rnd.randint(1000, 9999)}."] if rnd.random() < 0.3 else []),
        ]
    )
    steps = rnd.sample(
        [
            f"Read {source} and {test} first.",
            "Write a failing test that shows the problem.",
            "Make the smallest change that passes it.",
            "Keep the public API as it is.",
            f"Run `{language.test_command}` and `{language.build_command}` before committing.",
            "Explain any trade-off in the commit message.",
        ],
        4,
    )
    task_prompt = "\n".join(
        [
            f"Goal: {title} in {spec.name}.",
            "",
            "Context:",
            f"- The code lives in {source}; its tests in {test}.",
            f"- Conventions: {spec.conventions or 'follow the surrounding code'}.",
            "",
            "Steps:",
            *(f"{n}. {step}" for n, step in enumerate(steps, 1)),
            "",
            "Done when every acceptance criterion holds.",
        ]
    )
    criteria = tuple(c.format(**values) for c in rnd.sample(CRITERIA, rnd.randint(2, 4)))
    labels = tuple(rnd.sample(LABELS, rnd.randint(1, 3)))
    return CardText(title, description, task_prompt, criteria, labels)


def criteria_for(rnd: random.Random, spec: ProjectSpec, title: str) -> tuple[str, ...]:
    """Acceptance criteria a planner writes for a card that arrived without any."""
    module = module_of(title)
    values = {
        "subject": f"the {module} change",
        "Subject": f"The {module} change",
        "module": module,
        "test_command": LANGUAGES[spec.language].test_command,
    }
    return tuple(c.format(**values) for c in rnd.sample(CRITERIA, rnd.randint(2, 3)))


# --- source files an agent writes ---


def source_files(
    rnd: random.Random, spec: ProjectSpec, module: str, attempt: int
) -> dict[str, str]:
    """The card's source and test file as attempt `attempt` leaves them.

    Each attempt adds a helper and retunes the constants, so a commit's diff shows
    additions, changes and removals in the project's own language.
    """
    # The helpers' order is the card's own, the same at every attempt.
    helpers = random.Random(module).sample(HELPERS, len(HELPERS))[: min(attempt + 1, len(HELPERS))]
    limit = rnd.choice((10, 20, 50, 100, 250))
    timeout = rnd.choice((2, 5, 10, 30))
    source, test = files_of(spec, module)
    render = {"python": _python_files, "typescript": _typescript_files, "go": _go_files}
    code, tests = render[spec.language](spec.package, module, helpers, limit, timeout)
    return {source: code, test: tests}


def _python_files(
    package: str, module: str, helpers: list[tuple[str, str]], limit: int, timeout: int
) -> tuple[str, str]:
    calls = "".join(f"    _{name}(result)\n" for name, _ in helpers)
    defs = "".join(
        f"\n\ndef _{name}(result: dict[str, object]) -> None:\n"
        f'    """{doc}."""\n'
        f'    result["{name}"] = True\n'
        f'    log.debug("{name}: %s", result.get("id"))\n'
        for name, doc in helpers
    )
    code = (
        f'"""{module.replace("_", " ").capitalize()}."""\n\n'
        "from __future__ import annotations\n\n"
        "import logging\n\n"
        "log = logging.getLogger(__name__)\n\n"
        f"LIMIT = {limit}\n"
        f"TIMEOUT_SECONDS = {timeout}\n\n\n"
        f"def {module}(payload: dict[str, object]) -> dict[str, object]:\n"
        '    """Handle one request; ValueError for input it cannot process."""\n'
        "    if not payload:\n"
        '        raise ValueError("empty payload")\n'
        '    result = {**payload, "limit": LIMIT, "timeout": TIMEOUT_SECONDS}\n'
        f"{calls}"
        "    return result\n"
        f"{defs}"
    )
    tests = f"from {package}.{module} import {module}\n" + "".join(
        f"\n\ndef test_{module}_{name}() -> None:\n"
        f'    assert {module}({{"id": 1}})["{name}"] is True\n'
        for name, _ in helpers
    )
    return code, tests


def _typescript_files(
    package: str, module: str, helpers: list[tuple[str, str]], limit: int, timeout: int
) -> tuple[str, str]:
    fn = camel(module)
    calls = "".join(f"  {camel(name)}(result);\n" for name, _ in helpers)
    defs = "".join(
        f"\nfunction {camel(name)}(result: Record<string, unknown>): void {{\n"
        f"  // {doc}.\n"
        f'  result["{name}"] = true;\n'
        "}\n"
        for name, doc in helpers
    )
    code = (
        f"// {module.replace('_', ' ')} ({package})\n"
        f"const LIMIT = {limit};\n"
        f"const TIMEOUT_MS = {timeout * 1000};\n\n"
        f"export function {fn}(payload: Record<string, unknown>): Record<string, unknown> {{\n"
        "  if (Object.keys(payload).length === 0) {\n"
        '    throw new Error("empty payload");\n'
        "  }\n"
        "  const result = { ...payload, limit: LIMIT, timeoutMs: TIMEOUT_MS };\n"
        f"{calls}"
        "  return result;\n"
        "}\n"
        f"{defs}"
    )
    cases = "".join(
        f'  it("runs {name}", () => {{\n'
        f'    expect({fn}({{ id: 1 }})["{name}"]).toBe(true);\n'
        "  });\n"
        for name, _ in helpers
    )
    tests = (
        'import { describe, expect, it } from "vitest";\n'
        f'import {{ {fn} }} from "./{module}";\n\n'
        f'describe("{fn}", () => {{\n{cases}}});\n'
    )
    return code, tests


def _go_files(
    package: str, module: str, helpers: list[tuple[str, str]], limit: int, timeout: int
) -> tuple[str, str]:
    pkg = module.replace("_", "")
    calls = "".join(f"\t{camel(name)}(result)\n" for name, _ in helpers)
    defs = "".join(
        f"\n// {camel(name)}: {doc}.\n"
        f"func {camel(name)}(result map[string]any) {{\n"
        f'\tresult["{name}"] = true\n'
        "}\n"
        for name, doc in helpers
    )
    code = (
        f"// Package {pkg} handles {module.replace('_', ' ')} for {package}.\n"
        f"package {pkg}\n\n"
        'import "errors"\n\n'
        "const (\n"
        f"\tLimit          = {limit}\n"
        f"\tTimeoutSeconds = {timeout}\n"
        ")\n\n"
        "// Handle processes one request.\n"
        "func Handle(payload map[string]any) (map[string]any, error) {\n"
        "\tif len(payload) == 0 {\n"
        '\t\treturn nil, errors.New("empty payload")\n'
        "\t}\n"
        '\tresult := map[string]any{"limit": Limit, "timeout": TimeoutSeconds}\n'
        "\tfor k, v := range payload {\n"
        "\t\tresult[k] = v\n"
        "\t}\n"
        f"{calls}"
        "\treturn result, nil\n"
        "}\n"
        f"{defs}"
    )
    cases = "".join(f'\t\t"{name}",\n' for name, _ in helpers)
    tests = (
        f"package {pkg}\n\n"
        'import "testing"\n\n'
        "func TestHandle(t *testing.T) {\n"
        "\tfor _, key := range []string{\n"
        f"{cases}"
        "\t} {\n"
        '\t\tgot, err := Handle(map[string]any{"id": 1})\n'
        "\t\tif err != nil || got[key] != true {\n"
        '\t\t\tt.Errorf("Handle()[%q] = %v, %v; want true", key, got[key], err)\n'
        "\t\t}\n"
        "\t}\n"
        "}\n"
    )
    return code, tests


def commit_message(title: str, module: str, attempt: int) -> str:
    """A conventional-commit subject; the type follows the card's verb."""
    kind = next((kind for verb, kind, _ in VERBS if title.startswith(verb + " ")), "chore")
    return f"{kind}({module}): {title} (attempt {attempt})"


# --- what goes wrong ---


def error_text(
    rnd: random.Random, category: str, spec: ProjectSpec, module: str, *, attempt: int = 0
) -> ErrorText:
    """An error of `category` (build, test, deploy, runtime, other) in this project."""
    source, test = files_of(spec, module)
    language = LANGUAGES[spec.language]
    line = rnd.randint(12, 80)
    helper = camel(rnd.choice(HELPERS)[0])
    code_context: dict[str, Any] = {
        "file": source,
        "line": line,
        "command": language.test_command,
        "exitCode": 1,
        "attempt": attempt,
    }
    if category == "deploy":
        ready = rnd.randint(0, 2)
        reason = rnd.choice(("CrashLoopBackOff", "ImagePullBackOff", "readiness probe failed"))
        return ErrorText(
            category,
            "RolloutTimeout",
            f"deployment {spec.name} not ready after 300s: {ready}/3 replicas ({reason})",
            f"Warning  BackOff    pod/{spec.name}-7c9f8d-x2kq  Back-off restarting container\n"
            f"Warning  Unhealthy  pod/{spec.name}-7c9f8d-x2kq  Readiness probe failed: "
            f"HTTP probe failed with statuscode: 503\n"
            f"Normal   Killing    pod/{spec.name}-7c9f8d-x2kq  Stopping container {spec.name}",
            {"namespace": spec.package, "deployment": spec.name, "replicasReady": ready},
        )
    if category == "runtime" and rnd.random() < 0.5:
        p95 = rnd.randint(520, 1400)
        return ErrorText(
            category,
            "SLOViolation",
            f"p95 latency {p95} ms above the 500 ms budget on /{module} during verification",
            f"window=10m requests={rnd.randint(2000, 9000)} p50=84ms p95={p95}ms p99=2310ms",
            {"endpoint": f"/{module}", "p95Ms": p95, "budgetMs": 500},
        )
    templates = _CODE_ERRORS[spec.language].get(category, _CODE_ERRORS[spec.language]["other"])
    error_type, message, trace = rnd.choice(templates)
    values = {
        "source": source,
        "test": test,
        "module": module,
        "helper": helper,
        "line": line,
        "got": rnd.choice((400, 429, 500)),
        "pkg": module.replace("_", ""),
    }
    return ErrorText(
        category,
        error_type,
        message.format(**values),
        trace.format(**values).strip("\n"),
        code_context,
    )


# (error_type, message, stack trace) by language and category. Compilers' lines are as
# long as they are, hence the noqa marks.
_CODE_ERRORS: dict[str, dict[str, list[tuple[str, str, str]]]] = {
    "python": {
        "test": [
            (
                "AssertionError",
                "{test}::test_{module} - assert {got} == 200",
                """
    def test_{module}() -> None:
>       assert {module}({{"id": 1}})["status"] == 200
E       AssertionError: assert {got} == 200

{test}:{line}: AssertionError
""",
            )
        ],
        "build": [
            (
                "ModuleNotFoundError",
                "No module named '{module}_v2'",
                """
Traceback (most recent call last):
  File "{source}", line 7, in <module>
    from .{module}_v2 import handler
ModuleNotFoundError: No module named '{module}_v2'
""",
            ),
            (
                "TypeCheckError",
                '{source}:{line}: error: Argument 1 to "_{helper}" has incompatible type',
                """
{source}:{line}: error: Argument 1 to "_{helper}" has incompatible type "None"; expected "dict[str, object]"  [arg-type]
Found 1 error in 1 file (checked 41 source files)
""",  # noqa: E501
            ),
        ],
        "runtime": [
            (
                "TypeError",
                "'NoneType' object is not subscriptable",
                """
Traceback (most recent call last):
  File "{source}", line {line}, in {module}
    result = {{**payload, "limit": LIMIT}}
  File "{source}", line 41, in _normalize
    result["id"] = result["customer"]["id"]
TypeError: 'NoneType' object is not subscriptable
""",
            )
        ],
        "other": [
            (
                "LintError",
                "{source}:{line}:101: E501 Line too long (112 > 100)",
                "{source}:{line}:101: E501 Line too long (112 > 100)\nFound 1 error.",
            )
        ],
    },
    "typescript": {
        "test": [
            (
                "AssertionError",
                "expected {got} to be 200 // Object.is equality",
                """
 FAIL  {test} > {module} > returns 200
AssertionError: expected {got} to be 200 // Object.is equality
 > {test}:{line}:32
""",
            )
        ],
        "build": [
            (
                "TS2345",
                "Argument of type 'string | undefined' is not assignable to parameter "
                "of type 'string'.",
                """
{source}({line},18): error TS2345: Argument of type 'string | undefined' is not assignable to parameter of type 'string'.
  Type 'undefined' is not assignable to type 'string'.
""",  # noqa: E501
            )
        ],
        "runtime": [
            (
                "TypeError",
                "Cannot read properties of undefined (reading 'id')",
                """
TypeError: Cannot read properties of undefined (reading 'id')
    at {helper} ({source}:{line}:20)
    at Object.handle ({source}:14:3)
""",
            )
        ],
        "other": [
            (
                "LintError",
                "'result' is never reassigned. Use 'const' instead  prefer-const",
                "{source}\n  {line}:7  error  'result' is never reassigned  prefer-const",
            )
        ],
    },
    "go": {
        "test": [
            (
                "TestFailure",
                '--- FAIL: TestHandle: Handle()["{helper}"] = <nil>; want true',
                """
--- FAIL: TestHandle (0.00s)
    {test}:{line}: Handle()["{helper}"] = <nil>, <nil>; want true
FAIL
FAIL	example.com/platform/internal/{pkg}	0.012s
""",
            )
        ],
        "build": [
            (
                "CompileError",
                "undefined: {helper}",
                """
# example.com/platform/internal/{pkg}
{source}:{line}:2: undefined: {helper}
""",
            )
        ],
        "runtime": [
            (
                "panic",
                "runtime error: invalid memory address or nil pointer dereference",
                """
panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a3f2c]

goroutine 17 [running]:
example.com/platform/internal/{pkg}.{helper}(...)
	{source}:{line} +0x2c
""",
            )
        ],
        "other": [
            (
                "VetError",
                "{source}:{line}:2: result declared and not used",
                "# example.com/platform/internal/{pkg}\nvet: {source}:{line}:2: "
                "result declared and not used",
            )
        ],
    },
}


# --- an agent's log ---


def agent_log(
    rnd: random.Random,
    *,
    title: str,
    agent_type: str,
    attempt: int,
    files: tuple[str, str],
    test_command: str,
    started: datetime,
    duration_ms: int,
    error: ErrorText | None,
    colours: bool,
) -> list[str]:
    """The lines an agent prints during one attempt, minus the final commit and verdict."""
    source, test = files
    steps = rnd.randint(24, 44)
    ticks = itertools.count()

    def at() -> str:
        # Spread the lines over the attempt's duration; a long trace ends at its end.
        fraction = min(next(ticks) / (steps + 10), 1.0)
        return (started + timedelta(milliseconds=duration_ms * fraction)).strftime("[%H:%M:%S]")

    passed = rnd.randint(12, 90)
    green, red, reset = (ANSI_GREEN, ANSI_RED, ANSI_RESET) if colours else ("", "", "")
    lines = [
        f"━━ {agent_type} · attempt {attempt} · {title}",
        f"{at()} session: {len(PROMPT_LAYERS)} prompt layers loaded, working tree clean",
        f"{at()} assistant: Starting with the code and its tests to see what the card needs.",
        f"{at()} tool Read {source} → {rnd.randint(40, 220)} lines",
        f"{at()} tool Read {test} → {rnd.randint(20, 120)} lines",
        f'{at()} tool Grep "{camel(rnd.choice(HELPERS)[0])}" → {rnd.randint(1, 9)} matches',
    ]
    for _ in range(steps):
        roll = rnd.random()
        if roll < 0.35:
            lines.append(
                f"{at()} tool Edit {rnd.choice(files)} "
                f"(+{rnd.randint(1, 24)} -{rnd.randint(0, 12)})"
            )
        elif roll < 0.6:
            lines.append(f"{at()} assistant: {rnd.choice(THOUGHTS)}")
        elif roll < 0.8:
            failing = rnd.randint(1, 3)
            lines += [
                f"{at()} tool Bash {test_command}",
                f"{at()}   {red}{failing} failed{reset}, {passed - failing} passed "
                f"in {rnd.uniform(0.8, 9.0):.2f}s",
            ]
        else:
            lines.append(f"{at()} tool Read {rnd.choice(files)}:{rnd.randint(1, 90)}")
    lines.append(f"{at()} tool Bash {test_command}")
    if error is None:
        lines.append(f"{at()}   {green}{passed} passed{reset} in {rnd.uniform(0.8, 9.0):.2f}s")
        lines.append(f"{at()} assistant: All tests pass and the criteria hold; committing.")
    else:
        lines.append(f"{at()}   {red}FAILED{reset} {error.error_type}: {error.message}")
        lines += [f"{at()}   {trace_line}" for trace_line in error.stack_trace.splitlines()]
        lines.append(
            f"{at()} assistant: I could not make this pass within the attempt's budget; "
            "committing the work in progress for the next iteration."
        )
    return lines


def progress_line(rnd: random.Random, at: datetime) -> str:
    """One line a running agent prints while it works."""
    roll = rnd.random()
    stamp = at.strftime("[%H:%M:%S]")
    if roll < 0.4:
        return f"{stamp} assistant: {rnd.choice(THOUGHTS)}"
    if roll < 0.7:
        return f"{stamp} tool Edit (+{rnd.randint(1, 24)} -{rnd.randint(0, 12)})"
    return f"{stamp} tool Bash tests → {rnd.randint(1, 3)} failed, {rnd.randint(8, 90)} passed"


def commit_line(sha: str, message: str, at: datetime) -> str:
    return f"{at.strftime('[%H:%M:%S]')} tool Bash git commit → [{sha[:7]}] {message}"


def verdict_line(attempt: int, duration_ms: int, tokens: int, cost: float, failed: bool) -> str:
    minutes, seconds = divmod(duration_ms // 1000, 60)
    mark = "✘ failed" if failed else "✔ completed"
    return (
        f"{mark}: attempt {attempt} in {minutes}m{seconds:02d}s · {tokens:,} tokens · ${cost:.2f}"
    )


def loop_state(
    rnd: random.Random, *, iteration: int, attempt: int, failed: bool, files: tuple[str, str]
) -> str:
    """The JSON checkpoint an orchestrator keeps to resume a loop."""
    return json.dumps(
        {
            "iteration": iteration,
            "attempt": attempt,
            "phase": "fix" if failed else rnd.choice(("implement", "test", "refine")),
            "lastOutcome": "failed" if failed else "completed",
            "filesTouched": list(files),
            "contextTokens": rnd.randint(8_000, 90_000),
            "nextStep": rnd.choice(THOUGHTS),
        }
    )


# --- decisions and alerts ---


def decision_text(
    rnd: random.Random, *, title: str | None, attempts: int, cost_usd: float
) -> DecisionText:
    """A question an orchestrator puts to a person; `title` None means no card."""
    subject = f"“{title}”" if title else "the payments loop"
    kind = rnd.choice(("stuck", "architecture", "conflict", "scope", "dependency", "cost"))
    package = rnd.choice(("tenacity", "zod", "go-retryablehttp", "left-pad"))
    choices: dict[str, tuple[str, tuple[str, ...]]] = {
        "stuck": (
            f"{subject} failed {attempts} attempts in a row: retry with a bigger model, "
            "split the card, or stop?",
            ("retry with claude-opus-4", "split into smaller cards", "stop and mark failed"),
        ),
        "architecture": (
            f"{subject} needs shared state: keep it in Postgres or Redis?",
            ("postgres", "redis", "in-process cache"),
        ),
        "conflict": (
            f"Two loops changed the same file for {subject}. Keep which version?",
            ("keep ours", "keep theirs", "merge by hand"),
        ),
        "scope": (
            f"{subject} also needs a schema migration. Include it in this card?",
            ("include it", "open a new card", "skip the migration"),
        ),
        "dependency": (
            f"{subject} wants to add the package {package}. Allow it?",
            ("allow", "deny"),
        ),
        "cost": (
            f"{subject} has cost ${cost_usd:.2f}, over its $5.00 budget. Continue?",
            ("continue", "pause the loop", "stop"),
        ),
    }
    summary, options = choices[kind]
    context = {
        "card": title,
        "attempts": attempts,
        "costUsd": round(cost_usd, 2),
        "reason": rnd.choice(THOUGHTS),
    }
    return DecisionText(kind, summary, options, options[0], context)


ALERT_TYPES = ("stuck", "conflict", "digression", "resource", "regression")


def alert_text(rnd: random.Random, alert_type: str, title: str | None) -> AlertText:
    subject = f"“{title}”" if title else "the build farm"
    minutes = rnd.randint(20, 90)
    percent = rnd.randint(80, 140)
    test_name = f"test_{rnd.choice(HELPERS)[0]}"
    texts: dict[str, tuple[str, str]] = {
        "stuck": ("watchdog", f"No progress on {subject} for {minutes} minutes"),
        "conflict": ("merge-guard", f"{subject} and another loop edit the same files"),
        "digression": ("drift-detector", f"Agent output on {subject} drifts from the task"),
        "resource": ("budget-monitor", f"Token spend on {subject} at {percent}% of budget"),
        "regression": ("regression-bot", f"{test_name} passed before {subject} and fails now"),
    }
    source, message = texts[alert_type]
    context = {"card": title, "minutes": minutes, "budgetPercent": percent, "test": test_name}
    return AlertText(source, message, context)

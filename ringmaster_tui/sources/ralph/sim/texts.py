"""The demo's words: projects, features with their PRDs' stories, agents, messages."""

from __future__ import annotations

PROJECTS: tuple[tuple[str, str, str], ...] = (
    # name, description, status
    ("Shopfront", "The web shop and its API", "running"),
    ("Field App", "The technicians' mobile app", "paused"),
    ("Billing", "Invoices and payment runs", "idle"),
)

# project index, feature name, branch, stories: (repo, title, criteria, depends on)
FEATURES: tuple[
    tuple[int, str, str, tuple[tuple[str, str, tuple[str, ...], tuple[int, ...]], ...]], ...
] = (
    (
        0,
        "Checkout",
        "ralph/checkout",
        (
            (
                "backend",
                "Cart totals with tax",
                ("Totals include VAT per line", "Rounding matches the ledger"),
                (),
            ),
            (
                "backend",
                "Payment intent endpoint",
                ("POST /payments returns a client secret", "Idempotent on retries"),
                (1,),
            ),
            (
                "frontend",
                "Checkout form",
                ("Card fields validate inline", "Errors are announced to screen readers"),
                (2,),
            ),
            (
                "frontend",
                "Order confirmation page",
                ("Shows the order number", "Links to the receipt"),
                (3,),
            ),
            (
                "backend",
                "Receipt email",
                ("Sent within a minute", "Contains the invoice PDF"),
                (2,),
            ),
            ("backend", "Refund webhook", ("Marks the order refunded", "Signature checked"), (2,)),
        ),
    ),
    (
        0,
        "Search",
        "ralph/search",
        (
            ("backend", "Product search index", ("Index rebuilds nightly", "Typo-tolerant"), ()),
            (
                "backend",
                "Search API with filters",
                ("Filter by price and brand", "Paginated"),
                (1,),
            ),
            (
                "frontend",
                "Search box with suggestions",
                ("Suggestions after 2 letters", "Keyboard navigation"),
                (2,),
            ),
            ("frontend", "Results grid", ("Lazy-loads images", "Sort by relevance or price"), (2,)),
            ("frontend", "Empty results state", ("Suggests similar terms",), (4,)),
        ),
    ),
    (
        1,
        "Offline jobs",
        "ralph/offline-jobs",
        (
            (
                "mobile",
                "Local job cache",
                ("Jobs readable without network", "Cache expires after 7 days"),
                (),
            ),
            ("mobile", "Sync queue", ("Edits queued while offline", "Replayed in order"), (1,)),
            (
                "backend",
                "Conflict resolution endpoint",
                ("Last writer wins per field", "Conflicts logged"),
                (),
            ),
            ("mobile", "Sync status banner", ("Shows pending edits count",), (2,)),
        ),
    ),
    (
        1,
        "Photo upload",
        "ralph/photo-upload",
        (
            ("mobile", "Camera capture", ("Compresses to under 1 MB",), ()),
            ("backend", "Upload endpoint", ("Resumable uploads", "Virus scan before storing"), ()),
            ("mobile", "Upload progress", ("Progress per photo", "Retry on failure"), (1, 2)),
        ),
    ),
    (
        2,
        "Dunning",
        "ralph/dunning",
        (
            ("backend", "Overdue invoice detection", ("Runs daily", "Skips disputed invoices"), ()),
            ("backend", "Reminder emails", ("Three reminders, 7 days apart",), (1,)),
            ("backend", "Late fee calculation", ("Capped at 10%",), (1,)),
        ),
    ),
)

AGENTS = ("developer", "reviewer", "qa-agent", "security-agent")

ERRORS = (
    "Tests failed: 3 of 41 failed (test_rounding, test_vat_zero, test_refund_twice)",
    "Agent timed out after 900 s without a result",
    'Type check failed: Argument 1 to "charge" has incompatible type "str"; expected "Decimal"',
    "Merge conflict in src/api/routes.py",
    "Lint failed: 12 problems (E501 line too long, F401 unused import)",
)

GATE_FINDINGS_FAIL = (
    {
        "issues": ["missing test for the empty cart", "magic number 0.2 for VAT"],
        "severity": "medium",
    },
    {"issues": ["SQL built by string formatting in search()"], "severity": "high"},
    {"failed_tests": ["test_checkout_with_expired_card"], "passed": 40},
)
GATE_FINDINGS_PASS = ({"issues": [], "coverage": 0.91}, {"passed": 41, "failed": 0})

LEARNINGS = (
    "The ledger rounds half to even; use Decimal.quantize with ROUND_HALF_EVEN",
    "The payments sandbox rejects amounts under 50 cents",
    "Run the search tests with the fixture index, not the live one",
    "The mobile build needs JAVA_HOME set to the bundled JDK",
    "Screen readers need aria-live on the error summary",
)

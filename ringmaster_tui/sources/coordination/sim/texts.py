"""The words the demo and the simulator write: loops, test areas, files, messages."""

from __future__ import annotations

LOOPS: tuple[tuple[str, str, str], ...] = (
    ("loop-1-critical-path", "Critical path", "loop/critical-path"),
    ("loop-2-storage", "Storage and sync", "loop/storage"),
    ("loop-3-api", "Public API", "loop/api"),
    ("loop-4-ui", "Web UI", "loop/ui"),
    ("loop-5-migrations", "Schema migrations", "loop/migrations"),
)

# (prefix, category, what the tests in it check)
AREAS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "CP-UFS",
        "ufs",
        (
            "Upload a file larger than 2 GB in chunks",
            "Resume an interrupted upload from its last chunk",
            "Reject a file whose checksum does not match",
            "List a folder of 10,000 files in pages",
            "Rename a file while it is being read",
        ),
    ),
    (
        "ST-SPEC",
        "specification",
        (
            "Spec: conflict resolution keeps both versions",
            "Spec: quota counts deleted files for 30 days",
            "Spec: shared links expire at midnight UTC",
        ),
    ),
    (
        "API",
        "api",
        (
            "GET /files paginates with a cursor",
            "POST /shares refuses an expired token",
            "DELETE /files/{id} is idempotent",
            "Rate limit answers 429 with Retry-After",
        ),
    ),
    (
        "UI",
        "ui",
        (
            "Drag and drop uploads show progress",
            "The file list keeps its scroll position on refresh",
            "Keyboard shortcuts work in the preview",
        ),
    ),
    (
        "BLD",
        "build",
        (
            "The release build is reproducible",
            "The container image is under 200 MB",
        ),
    ),
    (
        "MIG",
        "migration",
        (
            "Migration 0042 adds file versions without locking",
            "Rollback of 0041 restores the old index",
        ),
    ),
)

FILES: tuple[str, ...] = (
    "src/storage/chunks.py",
    "src/storage/index.py",
    "src/api/files.py",
    "src/api/shares.py",
    "src/ui/upload.tsx",
    "src/ui/file_list.tsx",
    "migrations/0042_file_versions.sql",
    "src/auth/tokens.py",
    "src/common/types.py",
)

EVENT_TYPES: tuple[str, ...] = (
    "test_started",
    "test_passed",
    "test_failed",
    "file_locked",
    "file_unlocked",
    "knowledge_recorded",
    "heartbeat_missed",
    "checkpoint_created",
)

DECISIONS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    (
        "conflict",
        "loop-2-storage and loop-3-api both changed src/common/types.py: whose version wins?",
        ("keep storage", "keep api", "merge by hand"),
        "merge by hand",
    ),
    (
        "stuck",
        "CP-UFS-002 failed 3 times on the same assertion: skip it or give it 3 more attempts?",
        ("skip", "retry 3 more", "block for a person"),
        "block for a person",
    ),
    (
        "architecture",
        "Store file versions in a new table or as rows of files?",
        ("new table", "rows of files"),
        "new table",
    ),
    (
        "conflict",
        "Migration numbers 0043 claimed by two loops: renumber which one?",
        ("renumber loop-5's", "renumber loop-2's"),
        "renumber loop-5's",
    ),
)

ALERTS: tuple[tuple[str, str, str, str], ...] = (
    ("critical", "stuck", "monitor", "loop-4-ui has not beaten its heartbeat for 9 minutes"),
    ("error", "regression", "verifier", "CP-UFS-003 passed at 4c1e9a2 and fails now"),
    ("warning", "conflict", "pm", "Two loops hold locks on files of one module"),
    ("warning", "resource", "monitor", "Token use is 40% over the daily budget"),
    ("info", "digression", "pm", "loop-3-api is editing files outside its area"),
)

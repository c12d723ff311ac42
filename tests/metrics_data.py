"""A board whose metrics are all known by hand (NOW is 2026-01-15 12:00 UTC; the metrics
cover Dec 17 to Jan 15), shared by the query tests and the metrics view's tests.

On the standard board: alpha has 9 cards, 1 active loop, $1.25; beta 6 cards, 1 active
loop, $2.50. Attempts: Jan 15 holds the standard board's four ($0.50 + $0.60 + $0.70 +
$1.00 = $2.80); added here, Jan 12 two (one costs $2.00, one nothing), Dec 17 one
($0.50), and one 31 days ago (outside). Prompt layers: `system` 3 calls, 2 hits (66.67),
tokens 100/200/300; `card` 2 calls, no hit, tokens 50 and junk; one `system` row 40 days
ago (outside).
"""

from __future__ import annotations

from pathlib import Path

from tests.builders import DbBuilder, ago, build_standard_board
from tests.ui.snap_apps import add_history


def card(b: DbBuilder, title: str) -> str:
    return str(b.conn.execute("SELECT id FROM cards WHERE title = ?", (title,)).fetchone()[0])


def build_metrics_board(db: Path) -> DbBuilder:
    b = build_standard_board(db)
    login, fixing = card(b, "Implement login"), card(b, "Fix flaky test")
    shipped = card(b, "Shipped")
    b.attempt(login, 4, cost_usd=2.0, started_at=ago(days=3))
    b.attempt(fixing, 2, cost_usd=None, started_at=ago(days=3, hours=1))
    b.attempt(login, 5, cost_usd=0.5, started_at=ago(days=29))
    b.attempt(login, 6, cost_usd=100.0, started_at=ago(days=31))
    add_history(b, fixing)
    b.transition(
        login,
        "planning",
        "coding",
        trigger="approve_plan",
        created_at=ago(minutes=30),
        metadata='{"by": 7',
    )
    b.transition(shipped, "verifying", "completed", created_at=ago(days=40))
    for tokens, hit, millis, when in (
        (100, 1, 10, ago(hours=2)),
        (200, 1, 20, ago(hours=3)),
        (300, 0, 30, ago(days=1)),
        (999, 1, 999, ago(days=40)),
    ):
        b.insert(
            "prompt_metrics",
            card_id=login,
            layer_name="system",
            tokens_added=tokens,
            processing_time_ms=millis,
            cache_hit=hit,
            created_at=when,
        )
    for tokens, hit in ((50, None), ("junk", 0)):
        b.insert(
            "prompt_metrics",
            card_id=fixing,
            layer_name="card",
            tokens_added=tokens,
            processing_time_ms=40,
            cache_hit=hit,
            created_at=ago(hours=5),
        )
    return b

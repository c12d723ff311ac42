"""What is new since the last snapshot among what calls a human (pending decisions,
unacknowledged critical alerts), and how the app announces it.

Nothing is announced for the first snapshot, nor when the project shown changes: only
what arrives while the user watches.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.notifications import SeverityLevel

from ringmaster_tui.domain.snapshot import Snapshot, Urgent
from ringmaster_tui.ui.safe_text import make_visible

# Ids remembered as seen; past this many the memory restarts from what is current.
MAX_SEEN = 10_000


@dataclass(frozen=True)
class Announcement:
    title: str
    message: str
    """Plain text with every control character visible: notify it with markup=False."""
    severity: SeverityLevel


class ArrivalWatch:
    def __init__(self) -> None:
        self._seen: set[tuple[str, str]] | None = None
        self._project: str | None = None

    def new_in(self, snapshot: Snapshot) -> tuple[Urgent, ...]:
        """The urgent items of `snapshot` not seen in an earlier one."""
        current: set[tuple[str, str]] = {(u.kind, u.id) for u in snapshot.urgent}
        project = snapshot.query.project_id
        if self._seen is None or project != self._project or len(self._seen) > MAX_SEEN:
            self._seen, self._project = current, project
            return ()
        new = tuple(u for u in snapshot.urgent if (u.kind, u.id) not in self._seen)
        self._seen |= current
        return new


def announcements(new: tuple[Urgent, ...]) -> list[Announcement]:
    """One notification for new critical alerts, one for new decisions."""
    found: list[Announcement] = []
    for kind, one, many, severity in (
        ("alert", "Critical alert", "critical alerts", "error"),
        ("decision", "New decision", "new decisions", "warning"),
    ):
        items = [u for u in new if u.kind == kind]
        if not items:
            continue
        title = one if len(items) == 1 else f"{len(items)} {many}"
        message = make_visible(items[0].text)
        if len(items) > 1:
            message += f" (and {len(items) - 1} more)"
        found.append(Announcement(title, message, severity))  # type: ignore[arg-type]
    return found

"""What a person does to a Ralph database from the dashboard, each one write transaction
with compare-and-set on the status the user saw:

- a story's move (approve, send back, retry): its status, and a story_history row
  (action, agent = the user, notes);
- a project's pause or resume: projects.status, and a system_logs row (source = the
  dashboard, the user in its metadata). The orchestrator reads that status; the
  dashboard never starts or stops a process.
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ringmaster_tui.domain.outcome import Moved, Outcome
from ringmaster_tui.engines.base import Engine
from ringmaster_tui.engines.sql import now_stamp
from ringmaster_tui.sources.ralph.models import projects, stories, story_history, system_logs
from ringmaster_tui.sources.ralph.read.loops import PROJECT_ROW
from ringmaster_tui.sources.ralph.workflow import PROJECT_PAUSED, PROJECT_RUNNING, WORKFLOW

log = logging.getLogger(__name__)

APP_NAME = "ringmaster-tui"
# Fits a text timestamp column (as init makes them) and a real timestamp column alike.
NOW = now_stamp()

# Project control: the action, the status it needs, the status it sets, what it is called.
PROJECT_CONTROL: dict[str, tuple[str, str, str]] = {
    "pause": (PROJECT_RUNNING, PROJECT_PAUSED, "paused"),
    "resume": (PROJECT_PAUSED, PROJECT_RUNNING, "resumed"),
}


class Actions:
    def __init__(self, db: Engine, user: str) -> None:
        self.db = db
        self.user = user

    def _run(self, what: str, work: Callable[[Connection], Outcome]) -> Outcome:
        if not self.db.writable:
            reason = self.db.read_only_reason or "writes are disabled"
            return Outcome(ok=False, message=f"Read-only: {reason}.")
        try:
            outcome = self.db.write_with_retry(work)
        except Exception:
            log.exception("%s by %s failed; nothing was written", what, self.user)
            raise
        log.info("%s by %s: %s", what, self.user, outcome.message)
        return outcome

    def move_story(
        self, card_id: str, seen: str, trigger: str, to_state: str, note: str | None
    ) -> Outcome:
        move = WORKFLOW.move_named(trigger)
        if move is None or seen not in move.from_states or to_state != move.to_state:
            return Outcome(ok=False, message=f"No {trigger} move from {seen}; nothing was written.")
        try:
            pk = int(card_id)
        except ValueError:
            return Outcome(ok=False, message="No such story; nothing was written.")

        def work(conn: Connection) -> Outcome:
            row = conn.execute(
                sa.select(stories.c.status, stories.c.title, stories.c.story_id).where(
                    stories.c.id == pk
                )
            ).first()
            if row is None:
                return Outcome(ok=False, message="The story no longer exists; nothing was written.")
            title = (row.title or row.story_id or card_id)[:80]
            changed = conn.execute(
                sa.update(stories)
                .where(stories.c.id == pk, stories.c.status == seen)
                .values(status=to_state, updated_at=NOW)
            ).rowcount
            if changed != 1:
                return Outcome(
                    ok=False,
                    message=f"“{title}” is {row.status} now (you saw {seen}); nothing was written.",
                )
            conn.execute(
                sa.insert(story_history).values(
                    story_id=pk,
                    timestamp=NOW,
                    action=trigger,
                    agent=self.user,
                    notes=note or None,
                    metadata=json.dumps(
                        {
                            "from": seen,
                            "to": to_state,
                            "via": APP_NAME,
                            "host": socket.gethostname(),
                        },
                        sort_keys=True,
                    ),
                )
            )
            moved = Moved(
                card_id=card_id,
                card_title=title,
                from_state=seen,
                to_state=to_state,
                trigger=trigger,
            )
            return Outcome(
                ok=True, message=f"“{title}”: {seen} → {to_state}", moved=moved, changed=1
            )

        return self._run(f"{trigger} story {card_id} ({seen} -> {to_state})", work)

    def control_projects(self, action: str, rows: Sequence[tuple[str, str | None]]) -> Outcome:
        if action not in PROJECT_CONTROL:
            return Outcome(ok=False, message=f"The loops view has no {action}.")
        needs, sets, done = PROJECT_CONTROL[action]
        chosen: list[int] = []
        for row_id, seen in rows:
            if not row_id.startswith(PROJECT_ROW):
                continue
            if seen != needs:
                return Outcome(ok=False, message=f"Only a {needs} project can be {done}.")
            try:
                chosen.append(int(row_id.removeprefix(PROJECT_ROW)))
            except ValueError:
                continue
        if not chosen:
            return Outcome(ok=False, message=f"Select a {needs} project to {action}.")

        def work(conn: Connection) -> Outcome:
            names = []
            for project_id in chosen:
                changed = conn.execute(
                    sa.update(projects)
                    .where(projects.c.id == project_id, projects.c.status == needs)
                    .values(status=sets, updated_at=NOW)
                ).rowcount
                if changed != 1:
                    continue
                name = conn.execute(
                    sa.select(projects.c.name).where(projects.c.id == project_id)
                ).scalar()
                names.append(name or f"project {project_id}")
                conn.execute(
                    sa.insert(system_logs).values(
                        timestamp=NOW,
                        level="INFO",
                        source=APP_NAME,
                        message=f"Project {name or project_id} {done} from the dashboard"
                        f" by {self.user}",
                        metadata=json.dumps(
                            {
                                "user": self.user,
                                "action": action,
                                "project_id": project_id,
                                "from": needs,
                                "to": sets,
                                "host": socket.gethostname(),
                            },
                            sort_keys=True,
                        ),
                    )
                )
            if not names:
                return Outcome(
                    ok=False,
                    message=f"The project is no longer {needs} (changed meanwhile); "
                    "nothing was written.",
                )
            return Outcome(ok=True, message=f"{', '.join(names)}: {done}.", changed=len(names))

        return self._run(f"{action} projects {chosen}", work)

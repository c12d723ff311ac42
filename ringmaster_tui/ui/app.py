"""The dashboard application: the only place that calls the Source, always from a worker.

Data flows one way: a worker reads a Snapshot and posts it; the screens update in place.
Keys become messages; the app plans the write, runs it in a worker, shows the Outcome
and reloads. `request_reload()` is the one entry point for "the data changed".
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import PurePath
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.system_commands import SystemCommandsProvider
from textual.timer import Timer
from textual.worker import get_current_worker

from ringmaster_tui.config import Settings
from ringmaster_tui.domain.outcome import Outcome
from ringmaster_tui.domain.snapshot import SHAPED_NOT_LISTED, BoardQuery, CardSummary, Snapshot
from ringmaster_tui.domain.timefmt import utc_now
from ringmaster_tui.live.early_read import EarlyRead, first_board_query
from ringmaster_tui.live.gate import RefreshGate
from ringmaster_tui.live.pacing import pause_between_loads, pause_between_metrics_reads
from ringmaster_tui.resources import resource_path
from ringmaster_tui.sources.base import Source
from ringmaster_tui.ui.arrivals import ArrivalWatch, announcements
from ringmaster_tui.ui.card_actions import Intent, PlannedMove, UndoStack, force_move, plan_move
from ringmaster_tui.ui.commands import ActionProvider, CardSearchProvider
from ringmaster_tui.ui.key_help import key_rows
from ringmaster_tui.ui.messages import (
    AcknowledgeAlerts,
    ActionFinished,
    CardDetailLoaded,
    CardIntent,
    DatabaseStatus,
    Decide,
    DecisionDetailLoaded,
    DecisionWritten,
    DiffRequested,
    ErrorDetailLoaded,
    FilterChanged,
    LaneDeeper,
    LanesFit,
    ListDeeper,
    ListRowsFit,
    LoadFailed,
    MoveTargetsRead,
    NotifierProblem,
    OpenCard,
    OpenDecision,
    OpenErrorDetail,
    OpenReview,
    PatchRequested,
    QueryChanged,
    ReloadRequested,
    ResolveError,
    RowActionRequested,
    SnapshotLoaded,
    TerminalNotifications,
    UndoRequested,
)
from ringmaster_tui.ui.paste_routing import PasteGuardApp
from ringmaster_tui.ui.safe_text import make_visible, safe_text
from ringmaster_tui.ui.screens.confirm import ConfirmScreen
from ringmaster_tui.ui.screens.dashboard import DashboardScreen
from ringmaster_tui.ui.screens.decision_dialog import DecisionScreen
from ringmaster_tui.ui.screens.error_detail import ErrorDetailScreen
from ringmaster_tui.ui.screens.force_picker import ForcePickerScreen
from ringmaster_tui.ui.screens.help import HelpScreen
from ringmaster_tui.ui.screens.project_picker import ProjectChoice, ProjectPickerScreen
from ringmaster_tui.ui.screens.prompt import PromptScreen
from ringmaster_tui.ui.textual_cycles import break_paint_cycles
from ringmaster_tui.ui.views import ViewSpec, view_specs
from ringmaster_tui.ui.widgets.metrics_view import MetricsLoaded, MetricsView

if TYPE_CHECKING:
    from ringmaster_tui.notify.notifier import Notifier
    from ringmaster_tui.ui.screens.card_detail import CardDetailScreen

log = logging.getLogger(__name__)

# app.tcss first (the shared look), then one file per screen or widget family.
STYLES = resource_path("styles")
STYLE_FILES = (
    "app.tcss",
    "dashboard.tcss",
    "board.tcss",
    "card_detail.tcss",
    "dialogs.tcss",
    "views.tcss",
    "review.tcss",
    "metrics.tcss",
)
# How long an outcome stays on screen; refusals longer, they need reading.
OK_SECONDS = 4.0
REFUSED_SECONDS = 8.0
# The collector's first full pass, once the dashboard is up (settle_heap), waits this long
# after the first paint: its pause would otherwise delay the footer, drawn a moment later.
SETTLE_HEAP_AFTER = 1.0
# The first paint waits this long at most for the early read (live/early_read.py): a
# slow database shows the empty board first, as when there is no early read.
EARLY_READ_WAIT = 0.5
# The deepest a lane or a list is read as the user scrolls down it; a filter finds the rest.
MAX_READ_DEPTH = 1000
# A load that failed (a lock, a replaced file) is tried again this often: what cleared
# the problem need not have changed the files the change feed watches.
LOAD_RETRY_SECONDS = 1.0
# Keys first: while the user presses keys, the next load waits until none came for this
# long (at most INPUT_WAIT_MAX): a load holds the interpreter for tens of ms, and a key
# handled meanwhile reaches the screen that much later.
INPUT_QUIET_SECONDS = 0.06
INPUT_WAIT_MAX = 0.25


# PasteGuardApp: a paste is text in a field, never keys (ui/paste_routing.py).
class RingmasterApp(PasteGuardApp[int]):
    TITLE = "ringmaster-tui"
    CSS_PATH: ClassVar[list[str | PurePath]] = [STYLES / name for name in STYLE_FILES]
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {
        CardSearchProvider,
        ActionProvider,
        SystemCommandsProvider,
    }
    HELP_GROUP: ClassVar[str] = "Everywhere"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("p", "pick_project", "Project", id="app.project"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(
        self,
        source: Source,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = utc_now,
        animate: bool = True,
        live: bool = True,
        quit_after: float | None = None,
        tune_gc: bool = False,
        early_read: EarlyRead | None = None,
    ) -> None:
        super().__init__()
        break_paint_cycles()  # painted lines freed as they are replaced (ui/textual_cycles)
        self.source = source
        self.settings = settings
        self.clock = clock
        self.board_query = first_board_query(settings)
        self._early_read = early_read
        """The first snapshot, read while the screen was being made (None: read in
        on_ready, as every later one)."""
        self._list_depth = 0
        """How deep the user has scrolled a list view; lists are read at least this far."""
        self._input_at = 0.0
        """time.monotonic() of the last key, click or paste."""
        self._held: Snapshot | None = None
        """A loaded snapshot kept back while keys are pressed (the newest of them)."""
        self._held_since: float | None = None
        """When the first snapshot still held began to be held."""
        self._asked: BoardQuery | None = None
        """A query the user changed (a filter typed, a project picked) and has not seen
        answered yet: its load does not wait for the keys to pause, nor is it held."""
        self._query_asked = threading.Event()
        """Set when the user changes the query: the loader's pauses end at once."""
        self.snapshot: Snapshot | None = None
        """The latest snapshot shown; None until the first load ends."""
        self.undo_stack = UndoStack()
        self._reload_gate = RefreshGate()
        self._metrics_gate = RefreshGate()
        self._feed = source.change_feed(self.request_reload, self._feed_status) if live else None
        """Reloads after every commit of any writer; None in tests that reload by hand."""
        self._quit_after = quit_after
        self._tune_gc = tune_gc
        """Tune the garbage collector once the dashboard is up (see settle_heap); for a
        real run only: frozen objects are never collected, tests make many apps."""
        self._load_error = ""
        self._retry_timer: Timer | None = None
        self._feed_problem: str | None = None
        """What the change feed last said is wrong with the files (None: nothing)."""
        self._arrivals = ArrivalWatch()
        """Which pending decisions and critical alerts were seen, to announce new ones."""
        self._card_screen: CardDetailScreen | None = None
        """The card detail last opened; kept live while it is the screen on top."""
        self._notifier: Notifier | None = None
        """--notify-command and --notify-terminal (notify/), made once the app is ready."""
        specs = view_specs(source.capabilities)
        self._bind_views(specs)
        self.dashboard = DashboardScreen(
            specs,
            source.workflow,
            read_only=not source.writable,
            group_title=source.capabilities.group_title,
            on_mounted=self._show_early_read,
        )
        """The main screen (header of totals, views, footer); always at the bottom."""
        self.sub_title = source.label
        if not animate:
            # Snapshots and tests: nothing may move between two screenshots.
            self.animation_level = "none"

    def _bind_views(self, specs: tuple[ViewSpec, ...]) -> None:
        """Keys 1-9 switch to the views this source offers, under their titles there:
        bound per app, as each source offers its own. They come right after the app's
        own keys, where the help lists them."""
        bindings = self._bindings.key_to_bindings
        ours = {b.key for b in self.BINDINGS if isinstance(b, Binding)}
        existing = list(bindings.items())
        last_ours = max(i for i, (key, _) in enumerate(existing) if key in ours)
        bindings.clear()
        for index, (key, found) in enumerate(existing):
            bindings[key] = found
            if index == last_ours:
                for spec in specs:
                    bindings.setdefault(spec.key, []).append(spec.binding())

    def get_default_screen(self) -> Screen[None]:
        return self.dashboard

    def _show_early_read(self) -> None:
        """Once the dashboard's widgets are mounted, before its first paint."""
        early, self._early_read = self._early_read, None
        snapshot = early.take(self.board_query, EARLY_READ_WAIT) if early else None
        if snapshot is not None:  # painted with the first frame
            self._show_snapshot(SnapshotLoaded(snapshot))

    def on_ready(self) -> None:
        if self._tune_gc:  # the collector is paused for the start (cli.py)
            self.set_timer(SETTLE_HEAP_AFTER, settle_heap)
        if self.settings.notifies:
            # Imported only for them, after the first paint.
            from ringmaster_tui.notify.dashboard import dashboard_notifier

            self._notifier = dashboard_notifier(
                self.source,
                self.settings,
                self.clock,
                report=lambda problem: self.post_message(NotifierProblem(problem)),
                write_terminal=lambda lines: self.post_message(TerminalNotifications(lines)),
            )
        # Ready: the dashboard is laid out, so the first snapshot has widgets to fill.
        self.request_reload()
        if self._feed is not None:
            self._feed.start()
        if self._quit_after is not None:
            self.set_timer(self._quit_after, self.exit)

    def on_unmount(self) -> None:
        if self._feed is not None:
            self._feed.stop()
        if self._notifier is not None:
            self._notifier.close()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        # Quit and help are actions of ours already; the theme is the one system extra.
        yield SystemCommand("Theme", "Change the colours", self.action_change_theme)

    # --- reading ---

    def request_reload(self) -> None:
        """Ask for a fresh snapshot. Safe from any thread, cheap to call very often.

        Requests coalesce: at most one load runs and one more waits, however many arrive.
        """
        if self._reload_gate.request():
            self.post_message(ReloadRequested())  # a worker starts on the event loop

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.Paste)):
            self._input_at = time.monotonic()
        await super().on_event(event)

    def _wait_for_quiet_input(self, read: BoardQuery | None = None) -> None:
        """On the loader's thread: let keys pressed just now be handled first, unless one
        of them asked for something other than `read`, the query of the last load."""
        deadline = time.monotonic() + INPUT_WAIT_MAX
        while not self._asked_unread(read) and (now := time.monotonic()) < deadline:
            quiet_at = self._input_at + INPUT_QUIET_SECONDS
            if now >= quiet_at:
                return
            self._pause_unless_asked(min(quiet_at, deadline) - now, read)

    def _asked_unread(self, read: BoardQuery | None) -> bool:
        """The user asked for a query (a filter typed) that no load has read yet."""
        asked = self._asked
        return asked is not None and asked == self.board_query and asked != read

    def _pause_unless_asked(self, seconds: float, read: BoardQuery | None) -> None:
        """On the loader's thread: sleep, unless or until the user asks for a new query."""
        self._query_asked.clear()
        if not self._asked_unread(read):  # asked just before the clear: no sleep
            self._query_asked.wait(seconds)

    def _read_notifier_baseline(self) -> None:
        """On the loader's thread, before the first snapshot: what the notifier reads now is
        on the screen when it opens, so whatever comes later is news to the terminal too."""
        if self._notifier is None or self._notifier.has_read:
            return
        try:
            self._notifier.check()
        except Exception:  # its own thread reads again after the snapshot, and reports
            log.exception("reading for notifications failed")

    @on(ReloadRequested)
    def _start_loading(self) -> None:
        self._load_snapshots()

    @work(thread=True, group="snapshot", exit_on_error=False)
    def _load_snapshots(self) -> None:
        wal_seen = self.source.backlog_bytes()
        previous = self.snapshot
        unchanged_loads = 0  # in a row: commits that changed nothing shown
        read: BoardQuery | None = None  # what the last load read
        while True:
            self._wait_for_quiet_input(read)  # what a key asked for does not wait
            self._reload_gate.begin()  # this load covers every change requested so far
            started = time.monotonic()
            if previous is None:
                self._read_notifier_baseline()
            read = self.board_query
            try:
                snapshot = self.source.snapshot(read, self.clock())
            except Exception as exc:  # a locked, replaced or vanished file: say so, keep going
                log.exception("loading a snapshot failed")
                self.post_message(LoadFailed(_first_line(exc)))
            else:
                self.post_message(SnapshotLoaded(snapshot))
                unchanged = previous is not None and snapshot.same_content(previous)
                unchanged_loads = unchanged_loads + 1 if unchanged else 0
                previous = snapshot
            if not self._reload_gate.done():
                return  # a lone change, or the end of a stream
            wal = self.source.backlog_bytes()
            load_seconds = time.monotonic() - started
            pause = pause_between_loads(load_seconds, unchanged_loads, wal - wal_seen)
            self._pause_unless_asked(pause, read)
            wal_seen = max(wal, wal_seen)

    def _hold_for_input(self, snapshot: Snapshot) -> bool:
        """Keys first, on the screen too: a snapshot that arrives just after a key is
        shown once the keys pause (at most INPUT_WAIT_MAX later), so that what the key
        does is painted before the refresh's work. True when held."""
        now = time.monotonic()
        wait = self._input_at + INPUT_QUIET_SECONDS - now
        if self.snapshot is None or wait <= 0 or snapshot.query == self._asked:
            return False  # nothing to wait for, or it is what the key does (a filter)
        if self._held_since is None:
            self._held_since = now
        elif now - self._held_since >= INPUT_WAIT_MAX:
            return False  # held long enough: a stream of keys does not starve the screen
        self._held = snapshot
        self.set_timer(wait, self._show_held)
        return True

    def _show_held(self) -> None:
        snapshot, self._held = self._held, None
        if snapshot is not None:
            self.post_message(SnapshotLoaded(snapshot))

    @on(SnapshotLoaded)
    def _show_snapshot(self, message: SnapshotLoaded) -> None:
        if not self.screen_stack or not self.is_running:
            # The app is closing: a last load came in as its screens (or, before them,
            # their widgets) went.
            return
        if self._hold_for_input(message.snapshot):
            return
        self._held, self._held_since = None, None  # this one is newer than any held
        if message.snapshot.query == self._asked:
            self._asked = None
        log_unavailable(self.snapshot, message.snapshot)
        self.snapshot = message.snapshot
        if self._load_error:
            self._load_error = ""
            self.dashboard.totals_bar.show_problem(self._feed_problem)
        self.dashboard.show_snapshot(message.snapshot)
        self._announce(message.snapshot)
        if self._notifier is not None:
            self._notifier.request()  # it reads on a thread of its own
        if isinstance(self.screen, DecisionScreen):  # it tells when settled meanwhile
            self._load_decision(self.screen.decision.id, self.screen)
        card_screen = self._card_screen
        if card_screen is not None and self.screen is card_screen:  # keep it live too
            self._load_detail(card_screen.card.id, card_screen)
        self._refresh_metrics()

    @on(LoadFailed)
    def _report_load_failure(self, message: LoadFailed) -> None:
        if self._retry_timer is None:
            self._retry_timer = self.set_timer(LOAD_RETRY_SECONDS, self._retry_load)
        # Once per distinct failure: a locked database fails every load until it is free.
        if message.error == self._load_error:
            return
        log.warning("cannot read the database: %s", message.error)
        self._load_error = message.error
        self.dashboard.totals_bar.show_problem(f"cannot read: {message.error}")
        self.notify(
            make_visible(f"Could not read the database: {message.error}"),
            severity="error",
            markup=False,
        )

    def _retry_load(self) -> None:
        self._retry_timer = None
        self.request_reload()

    def _feed_status(self, problem: str | None) -> None:
        self.post_message(DatabaseStatus(problem))  # called on the feed's thread

    @on(DatabaseStatus)
    def _show_database_status(self, message: DatabaseStatus) -> None:
        log.info("database status: %s", message.problem or "ok")
        self._feed_problem = message.problem
        self.dashboard.totals_bar.show_problem(message.problem)
        if message.problem:
            self.notify(make_visible(message.problem), severity="warning", markup=False)
        else:
            self.request_reload()

    def loaded_cards(self) -> tuple[CardSummary, ...]:
        if self.snapshot is None:
            return ()
        return tuple(card for lane in self.snapshot.lanes for card in lane.cards)

    @on(FilterChanged)
    def _filter(self, message: FilterChanged) -> None:
        self._change_query(text=message.text)

    def _change_query(self, **changes: object) -> None:
        if "text" in changes or "project_id" in changes:
            changes["lane_depths"] = ()  # other cards: lanes start from their top again
        self.board_query = self._asked = self.board_query.model_copy(update=changes)
        self.request_reload()
        self._query_asked.set()  # a loader pausing reads it at once

    def _read_size(self, field: str, size: int) -> None:
        """Set how many of something the loads read (`field` of the query): more than now
        is needed on screen at once (a reload); fewer can wait for the next load."""
        if size > getattr(self.board_query, field) and self.snapshot is not None:
            self._change_query(**{field: size})
        else:
            self.board_query = self.board_query.model_copy(update={field: size})

    @on(LanesFit)
    def _fit_lanes_to_screen(self, message: LanesFit) -> None:
        """Lanes read what they show and a page more, unless the per_lane setting is given."""
        if self.settings.per_lane is None:
            self._read_size("per_lane", 2 * message.cards)

    @on(ListRowsFit)
    def _fit_lists_to_screen(self, message: ListRowsFit) -> None:
        """A list view reads what it shows and a page more, like a lane."""
        self._read_size("list_limit", max(2 * message.rows, self._list_depth))

    @on(ListDeeper)
    def _read_list_deeper(self, message: ListDeeper) -> None:
        depth = min(message.depth, MAX_READ_DEPTH)
        if depth > self.board_query.list_limit:
            self._list_depth = depth
            self._change_query(list_limit=depth)

    @on(LaneDeeper)
    def _read_lane_deeper(self, message: LaneDeeper) -> None:
        depth = min(message.depth, MAX_READ_DEPTH)
        if depth <= self.board_query.depth_of(message.lane):
            return
        depths = dict(self.board_query.lane_depths) | {message.lane: depth}
        self._change_query(lane_depths=tuple(sorted(depths.items())))

    # --- one card in full ---

    @on(OpenCard)
    def _open_card(self, message: OpenCard) -> None:
        # Imported when first opened: the first screen does without it.
        from ringmaster_tui.ui.screens.card_detail import CardDetailScreen

        screen = self._card_screen = CardDetailScreen(message.card, self.clock)
        self.push_screen(screen)
        self._load_detail(message.card.id, screen)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def _load_detail(self, card_id: str, screen: CardDetailScreen) -> None:
        read = partial(self.source.card_detail, card_id, self.clock())
        _read_for(screen, f"card {card_id}", read, partial(CardDetailLoaded, card_id))

    # --- writing ---

    def _writes_allowed(self, what: str) -> bool:
        if self.source.writable:
            return True
        reason = self.source.read_only_reason or "the database is open read-only"
        self.notify(
            make_visible(f"{what} is disabled: read-only, {reason}."),
            title="Read-only",
            severity="warning",
            markup=False,
        )
        return False

    @on(CardIntent)
    def _card_intent(self, message: CardIntent) -> None:
        if not self._writes_allowed(message.intent.capitalize()):
            return
        if message.intent is Intent.FORCE:
            self._pick_force_target(message.card)
            return
        planned = plan_move(self.source.workflow, message.intent, message.card)
        if isinstance(planned, str):
            self._show_refusal(planned)
        else:
            self._prepare_move(message.card, planned)

    def _prepare_move(self, card: CardSummary, move: PlannedMove) -> None:
        """Ask what the move needs (where to, then why), then write it."""
        if move.pick_target:
            self._read_move_targets(card, move)
        elif move.asks:
            self._ask_for_note(card, move)
        else:
            self._write_move(move)

    @work(thread=True, group="read", exit_on_error=False)
    def _read_move_targets(self, card: CardSummary, move: PlannedMove) -> None:
        try:
            targets = self.source.move_targets(card.id, move.trigger)
        except Exception as exc:
            log.exception("reading the move's targets failed")
            failed = Outcome(ok=False, message=f"Could not read where to: {_first_line(exc)}")
            self.post_message(ActionFinished(failed, undoing=False))
            return
        self.post_message(MoveTargetsRead(card, move, targets))

    @on(MoveTargetsRead)
    def _pick_move_target(self, message: MoveTargetsRead) -> None:
        card, move = message.card, message.move
        if not message.targets:
            self._show_refusal(f"Nowhere to {move.trigger.replace('_', ' ')} this card to.")
            return

        def picked(target: str | None) -> None:
            if target is not None:
                self._prepare_move(card, replace(move, to_state=target, pick_target=False))

        picker = ForcePickerScreen(
            card,
            self.source.workflow,
            targets=message.targets,
            verb=move.trigger.replace("_", " ").capitalize(),
            recorded_as=move.trigger,
        )
        self.push_screen(picker, picked)

    def _ask_for_note(self, card: CardSummary, move: PlannedMove) -> None:
        title = Text(f"{move.trigger.replace('_', ' ').capitalize()} “")
        title.append_text(safe_text(card.title, one_line=True))
        title.append("”")

        def answered(note: str | None) -> None:
            if note is not None:
                self._write_move(replace(move, note=note, asks=None))

        self.push_screen(PromptScreen(title, move.asks or ""), answered)

    def _pick_force_target(self, card: CardSummary) -> None:
        def picked(target: str | None) -> None:
            if target is not None:
                self._confirm_force(card, target)

        self.push_screen(ForcePickerScreen(card, self.source.workflow), picked)

    def _confirm_force(self, card: CardSummary, target: str) -> None:
        question = Text("Move “")
        question.append_text(safe_text(card.title, one_line=True))
        question.append("” from ")
        question.append_text(safe_text(card.state))
        question.append(f" to {target}, bypassing the state machine's rules?")

        def answered(yes: bool | None) -> None:
            if yes:
                planned = force_move(self.source.workflow, card, target)
                if isinstance(planned, str):
                    self._show_refusal(planned)
                else:
                    self._write_move(planned)

        self.push_screen(ConfirmScreen("Force a transition", question), answered)

    @on(UndoRequested)
    def _undo(self) -> None:
        if not self._writes_allowed("Undo"):
            return
        moved = self.undo_stack.pop()
        if moved is None:
            self.notify("Nothing to undo: no transition was made from this app.")
            return
        self._write(lambda: self.source.undo(moved), undoing=True)

    def _write_move(self, move: PlannedMove) -> None:
        self._write(
            lambda: self.source.transition(
                move.card_id, move.seen_state, move.trigger, move.to_state, move.note
            ),
            undoing=False,
        )

    @work(thread=True, group="write", exit_on_error=False)
    def _write(self, write: Callable[[], Outcome], *, undoing: bool) -> None:
        try:
            outcome = write()
        except Exception as exc:  # the transaction rolled back: nothing was written
            log.exception("a write failed")
            outcome = Outcome(ok=False, message=f"The write failed: {_first_line(exc)}")
        self.post_message(ActionFinished(outcome, undoing=undoing))

    @on(ActionFinished)
    def _show_outcome(self, message: ActionFinished) -> None:
        outcome = message.outcome
        if outcome.ok and outcome.moved is not None and not message.undoing:
            self.undo_stack.push(outcome.moved)
        if outcome.ok:
            self.notify(make_visible(outcome.message), markup=False, timeout=OK_SECONDS)
        else:
            self._show_refusal(outcome.message)
        self.request_reload()

    def _show_refusal(self, message: str) -> None:
        if self.settings.bell:
            self.bell()
        self.notify(
            make_visible(message), severity="warning", markup=False, timeout=REFUSED_SECONDS
        )

    # --- errors, decisions, alerts ---

    @on(QueryChanged)
    def _query_changed(self, message: QueryChanged) -> None:
        self._change_query(**message.changes)

    def _announce(self, snapshot: Snapshot) -> None:
        """A new critical alert or decision: a notification, and the bell unless --no-bell."""
        found = announcements(self._arrivals.new_in(snapshot))
        for announcement in found:
            self.notify(
                announcement.message,
                title=announcement.title,
                severity=announcement.severity,
                markup=False,
                timeout=REFUSED_SECONDS,
            )
        if found and self.settings.bell:
            self.bell()

    @on(NotifierProblem)
    def _show_notifier_problem(self, message: NotifierProblem) -> None:
        self.notify(
            make_visible(message.problem), severity="warning", markup=False, timeout=REFUSED_SECONDS
        )

    @on(TerminalNotifications)
    def _write_terminal_notifications(self, message: TerminalNotifications) -> None:
        if self._driver is not None:  # as App.bell writes its BEL
            for sequence in message.sequences:
                self._driver.write(sequence)

    @on(OpenErrorDetail)
    def _open_error(self, message: OpenErrorDetail) -> None:
        screen = ErrorDetailScreen(message.error, self.clock)
        self.push_screen(screen)
        self._load_error_detail(message.error.id, screen)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def _load_error_detail(self, error_id: str, screen: ErrorDetailScreen) -> None:
        read = partial(self.source.error_detail, error_id, self.clock())
        _read_for(screen, f"error {error_id}", read, partial(ErrorDetailLoaded, error_id))

    @on(ResolveError)
    def _resolve_error(self, message: ResolveError) -> None:
        if self._writes_allowed("Resolving an error"):
            error_id = message.error.id
            self._write(lambda: self.source.resolve_error(error_id), undoing=False)

    @on(AcknowledgeAlerts)
    def _acknowledge(self, message: AcknowledgeAlerts) -> None:
        if not self._writes_allowed("Acknowledging"):
            return
        alert_ids = message.alert_ids

        def run(yes: bool | None = True) -> None:
            if yes:
                self._write(lambda: self.source.acknowledge_alerts(alert_ids), undoing=False)

        if not message.bulk:
            run()
            return
        question = bulk_question("Acknowledge", len(alert_ids), "alert", message.more)
        self.push_screen(ConfirmScreen("Acknowledge alerts", Text(question)), run)

    @on(RowActionRequested)
    def _row_action(self, message: RowActionRequested) -> None:
        """A key of a source's table view: confirmed when it says so (a bulk one always,
        naming how many), then one compare-and-set write."""
        action = message.action
        if not self._writes_allowed(action.label):
            return
        rows = tuple((row.id, row.seen) for row in message.rows)
        view_id = message.view_id

        def run(yes: bool | None = True) -> None:
            if yes:
                self._write(lambda: self.source.act(view_id, action.action, rows), undoing=False)

        if action.bulk:
            question = bulk_question(action.label, len(rows), "row", message.more)
        elif action.confirm:
            question = action.confirm
        else:
            run()
            return
        self.push_screen(ConfirmScreen(action.label, Text(question)), run)

    @on(OpenDecision)
    def _open_decision(self, message: OpenDecision) -> None:
        screen = DecisionScreen(message.decision, self.clock)
        self.push_screen(screen)
        self._load_decision(message.decision.id, screen)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def _load_decision(self, decision_id: str, screen: DecisionScreen) -> None:
        read = partial(self.source.decision_detail, decision_id, self.clock())
        loaded = partial(DecisionDetailLoaded, decision_id)
        _read_for(screen, f"decision {decision_id}", read, loaded)

    @on(Decide)
    def _decide(self, message: Decide) -> None:
        # The dialog may be gone already (escape right after enter): the write goes on.
        screen = self.screen if isinstance(self.screen, DecisionScreen) else None
        self._write_decision(message, screen)

    @work(thread=True, group="write", exit_on_error=False)
    def _write_decision(self, message: Decide, screen: DecisionScreen | None) -> None:
        """Written only if still pending; the dialog and the user hear how it went."""
        try:
            outcome = self.source.decide(message.decision_id, message.choice, message.comment)
        except Exception as exc:  # the transaction rolled back: nothing was written
            log.exception("writing decision %s failed", message.decision_id)
            outcome = Outcome(ok=False, message=f"The write failed: {_first_line(exc)}")
        if screen is not None:
            screen.post_message(DecisionWritten(message.decision_id, outcome))
        self.post_message(ActionFinished(outcome, undoing=False))

    # --- an attempt's review: its row once per visit, git file by file, all in workers ---

    @on(OpenReview)
    def _open_review(self, message: OpenReview) -> None:
        from ringmaster_tui.ui import review_jobs
        from ringmaster_tui.ui.screens.review import ReviewScreen  # not needed to start

        screen = ReviewScreen(message.card_title, message.attempt, self.clock)
        self.push_screen(screen)
        self._review_work(
            screen, partial(review_jobs.read_attempt, self.source, message.attempt.id)
        )

    @on(DiffRequested)
    def _list_changed_files(self, message: DiffRequested) -> None:
        from ringmaster_tui.ui import review_jobs

        self._review_work(message.reply_to, partial(review_jobs.list_files, message.request))

    @on(PatchRequested)
    def _read_patch(self, message: PatchRequested) -> None:
        from ringmaster_tui.ui import review_jobs

        job = partial(review_jobs.read_patch, message.review, message.file)
        self._review_work(message.reply_to, job)

    @work(thread=True, group="review", exit_on_error=False)
    def _review_work(self, reply_to: MessagePump, job: Callable[[], Message]) -> None:
        reply_to.post_message(job())  # a job never raises: its message carries any problem

    # --- metrics: read apart from the snapshot (too costly at each commit), and only
    # while their view is on screen: when it is shown and after each snapshot ---

    def _refresh_metrics(self) -> None:
        if isinstance(self.dashboard.current_view, MetricsView) and self._metrics_gate.request():
            self._load_metrics(self.dashboard.current_view)

    @work(thread=True, exclusive=True, group="metrics", exit_on_error=False)
    def _load_metrics(self, view: MetricsView) -> None:
        while True:
            self._metrics_gate.begin()  # one read at a time, one more if asked meanwhile
            started = time.monotonic()
            try:
                metrics = self.source.metrics(self.board_query.project_id, self.clock())
            except Exception as exc:  # said in the view; the next snapshot tries again
                log.exception("loading the metrics failed")
                view.post_message(MetricsLoaded(None, _first_line(exc)))
            else:
                view.post_message(MetricsLoaded(metrics))
            if not self._metrics_gate.done() or get_current_worker().is_cancelled:
                return
            time.sleep(pause_between_metrics_reads(time.monotonic() - started))

    # --- keys of the whole app ---

    def action_show_view(self, view_id: str) -> None:
        if view_id not in self.dashboard.specs:
            return
        log.info("view: %s", view_id)
        while len(self.screen_stack) > 1:  # views live on the dashboard, under any dialog
            self.pop_screen()
        self.dashboard.show_view(view_id)
        lists = frozenset({view_id}) - SHAPED_NOT_LISTED
        if lists != self.board_query.lists:  # the new view's list is read from now on
            self._change_query(lists=lists)
        self._refresh_metrics()

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        title = str(getattr(self.screen, "HELP_GROUP", "this screen"))
        rows = tuple(key_rows(self.screen, self.get_key_display))
        # Kept once made (installed, so closing it does not destroy it): the same keys
        # open at once the next time, with nothing to build or style.
        name = f"help-{hash((title, *((r.group, r.keys, r.description) for r in rows)))}"
        if not self.is_screen_installed(name):
            self.install_screen(HelpScreen(title, rows), name)
        self.push_screen(name)

    def action_pick_project(self) -> None:
        snapshot = self.snapshot
        if snapshot is None:
            return

        def picked(choice: ProjectChoice | None) -> None:
            if choice is not None:
                self._change_query(project_id=choice.project_id)

        self.push_screen(
            ProjectPickerScreen(
                snapshot.projects,
                self.board_query.project_id,
                self.source.capabilities.group_title or "project",
            ),
            picked,
        )

    def jump_to_card(self, card_id: str) -> None:
        """Show the board with `card_id` selected (the command palette's card search)."""
        self.action_show_view("board")
        if not self.dashboard.board.select_card(card_id):
            self.notify("That card is no longer on the board.", severity="warning")


# Each refresh makes thousands of short-lived objects and every collection pauses the
# screen: young collections a little less often than Python's default (700, 10, 10), the
# middle one often enough to stay short (under 12 ms here; with (5000, 20, 20) it grew
# into 50-90 ms pauses).
GC_THRESHOLDS = (2000, 4, 50)


def settle_heap() -> None:
    """Once the dashboard is up: what exists now (modules, widgets, styles) lives as long
    as the app, so the garbage collector stops scanning it. Its full collections took
    100-160 ms each (the screen stood still, a key waited); now they look at recent
    objects alone. The change-to-screen p95 went from about 195 to 75 ms. It also turns
    the collector back on, paused for the start."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    gc.enable()


def _read_for(
    screen: MessagePump,
    what: str,
    read: Callable[[], object],
    loaded: Callable[..., Message],
) -> None:
    """On a worker: `read`, then tell `screen` what it found, or the first line of why it
    could not (shown there; the board carries on)."""
    try:
        found = read()
    except Exception as exc:
        log.exception("loading %s failed", what)
        screen.post_message(loaded(None, _first_line(exc)))
    else:
        screen.post_message(loaded(found))


def bulk_question(label: str, listed: int, noun: str, more: int) -> str:
    """The confirmation of a bulk action: it names exactly the rows it will act on."""
    question = f"{label}: the {listed:,} {noun}{'' if listed == 1 else 's'} listed?"
    if more > 0:
        question += f" {more:,} more match; scroll down to load them first."
    return question


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    lines = str(orig or exc).splitlines()
    return lines[0] if lines else type(exc).__name__


def log_unavailable(before: Snapshot | None, after: Snapshot) -> None:
    """Say once which tables and columns this database lacks."""
    if after.unavailable and (before is None or before.unavailable != after.unavailable):
        log.info("this database lacks: %s", ", ".join(after.unavailable))


def run_app(
    source: Source,
    settings: Settings,
    *,
    quit_after: float | None = None,
    early_read: EarlyRead | None = None,
) -> int:
    """Run the dashboard until the user quits (or `quit_after` seconds); the exit code."""
    app = RingmasterApp(
        source, settings, quit_after=quit_after, tune_gc=True, early_read=early_read
    )
    app.run()
    return app.return_code or 0

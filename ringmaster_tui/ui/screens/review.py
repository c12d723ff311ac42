"""Reviewing one attempt: its facts, the diff of its commit file by file, its output, errors.

The screen asks, the app's workers answer: the attempt's row once per visit
(ReviewDataLoaded), the list of changed files (DiffLoaded), then one file's patch at a
time as the cursor reaches it (PatchLoaded). At most one patch is read at a time and
the last file asked for is read next, so holding `]` never queues a hundred git runs.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, Label, Static, TabbedContent, TabPane

from ringmaster_tui.domain.review import (
    AttemptCommit,
    AttemptError,
    AttemptReviewData,
    DiffRequest,
    parse_diff_stats,
)
from ringmaster_tui.domain.snapshot import AttemptView
from ringmaster_tui.domain.timefmt import age
from ringmaster_tui.domain.values import JsonText
from ringmaster_tui.review import (
    ChangedFile,
    DiffRange,
    FilePatch,
    OutputIndex,
    Review,
    ReviewProblem,
    next_match,
    previous_match,
)
from ringmaster_tui.ui.diff_rows import Layout
from ringmaster_tui.ui.formatting import MISSING, count, milliseconds, money, short_sha
from ringmaster_tui.ui.messages import (
    DiffLoaded,
    DiffRequested,
    PatchLoaded,
    PatchRequested,
    ReviewDataLoaded,
)
from ringmaster_tui.ui.safe_text import make_visible, safe_text
from ringmaster_tui.ui.screens.compare_picker import CompareChoice, ComparePickerScreen
from ringmaster_tui.ui.widgets.diff_view import DiffView
from ringmaster_tui.ui.widgets.file_list import STATUS_LETTERS, FileList, counts_of
from ringmaster_tui.ui.widgets.output_view import OutputView

CACHED_PATCHES = 32
PatchKey = tuple[DiffRange, str, str | None]


def _key(review: Review, file: ChangedFile) -> PatchKey:
    return (review.files.range, file.path, file.old_path)


class SearchDone(Message):
    def __init__(self, query: str, matches: tuple[int, ...]) -> None:
        super().__init__()
        self.query = query
        self.matches = matches


class ReviewScreen(Screen[None]):
    HELP_GROUP: ClassVar[str] = "Review"
    COMPONENT_CLASSES: ClassVar[set[str]] = {"review--label", "review--problem"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="review.back"),
        Binding("d", "show_tab('diff')", "Diff", show=False, id="review.diff"),
        Binding("o", "show_tab('output')", "Output", show=False, id="review.output"),
        Binding("e", "show_tab('errors')", "Errors", show=False, id="review.errors"),
        Binding("s", "toggle_layout", "Layout", id="review.layout"),
        Binding("left_square_bracket", "file(-1)", "Prev file", id="review.previous_file"),
        Binding("right_square_bracket", "file(1)", "Next file", id="review.next_file"),
        Binding("c", "compare", "Compare", id="review.compare"),
        Binding("slash", "search", "Search", id="review.search"),
        Binding("n", "match(1)", "Next match", show=False, id="review.next_match"),
        Binding("N", "match(-1)", "Previous match", show=False, id="review.previous_match"),
    ]

    def __init__(
        self, card_title: str, attempt: AttemptView, clock: Callable[[], datetime]
    ) -> None:
        super().__init__(id="review")
        self.card_title = card_title
        self.attempt = attempt
        self._clock = clock
        self.data: AttemptReviewData | None = None
        self.output: OutputIndex | None = None
        self.diff_request: DiffRequest | None = None
        self.comparing: AttemptCommit | None = None
        self.review: Review | None = None
        self.problem: ReviewProblem | None = None
        self.shown_patch: FilePatch | None = None
        """The patch on screen; None while loading, or when there is none to show."""
        self.shown_file: ChangedFile | None = None
        """The file whose patch (or problem) is on screen."""
        self._pending: set[str] = {"attempt"}
        self._patches: OrderedDict[PatchKey, PatchLoaded] = OrderedDict()
        self._reading: PatchKey | None = None
        self._wanted: ChangedFile | None = None
        self.search_query = ""
        self.matches: tuple[int, ...] = ()
        self.match_line: int | None = None
        self.files = FileList(id="diff-files")
        self.diff_view = DiffView(id="diff-view")
        self.output_view = OutputView(id="output-view")

    # --- layout ---

    def compose(self) -> ComposeResult:
        title = Text(f"Review of attempt {self.attempt.attempt_number} · ")
        title.append_text(safe_text(self.card_title, one_line=True))
        title.no_wrap, title.overflow = True, "ellipsis"
        yield Label(title, id="review-title")
        yield Static(id="review-facts")
        with TabbedContent(initial="diff", id="review-tabs"):
            with TabPane("Diff", id="diff"):
                yield Static(id="diff-summary")
                with Horizontal(id="diff-body"):
                    yield self.files
                    with Vertical(id="diff-main"):
                        yield Static(id="diff-file")
                        yield self.diff_view
            with TabPane("Output", id="output"):
                yield self.output_view
                yield Static(id="output-status")
            with TabPane("Errors", id="errors"):
                yield VerticalScroll(id="errors-body")
        yield Input(placeholder="search the output (any case); enter finds", id="output-search")
        yield Footer()

    def on_mount(self) -> None:
        self._show_facts(self.attempt)
        self._say("#diff-summary", "Reading the attempt…")
        self._say("#output-status", "Reading the output…")
        self.diff_view.show_message("Loading…")
        self.query_one("#output-search", Input).display = False
        self.diff_view.focus()

    @property
    def busy(self) -> bool:
        """True while the attempt, its list of files or the chosen file's diff is on its way
        (the file list's choice reaches this screen by a message: until then, too)."""
        wanted = self._wanted
        return (
            bool(self._pending)
            or self.files.current != wanted
            or (wanted is not None and self.shown_file != wanted)
        )

    def _say(self, selector: str, message: str, *, problem: bool = False) -> None:
        style = self.get_component_rich_style("review--problem") if problem else Style()
        self.query_one(selector, Static).update(safe_text(message, style=style))

    def _label(self, text: Text, name: str) -> None:
        text.append(f"{name} ", self.get_component_rich_style("review--label"))

    def _show_facts(self, attempt: AttemptView) -> None:
        now = self._clock()
        text = Text(end="")
        facts: list[tuple[str, str]] = [
            ("status", attempt.status or MISSING),
            ("agent", attempt.agent_type or MISSING),
            ("tokens", count(attempt.tokens_used)),
            ("cost", money(attempt.cost_usd)),
            ("duration", milliseconds(attempt.duration_ms)),
        ]
        facts2: list[tuple[str, str]] = [
            ("started", f"{age(attempt.started_at, now)} ago" if attempt.started_at else MISSING),
            ("commit", short_sha(attempt.commit_sha)),
            ("diff_stats", _diff_stats(attempt.diff_stats)),
        ]
        for line in (facts, facts2):
            for index, (name, value) in enumerate(line):
                if index:
                    text.append("  ")
                self._label(text, name)
                text.append(make_visible(value))
            text.append("\n")
        text.rstrip()
        self.query_one("#review-facts", Static).update(text)

    # --- the attempt's row ---

    @on(ReviewDataLoaded)
    def _data_loaded(self, message: ReviewDataLoaded) -> None:
        if message.attempt_id != self.attempt.id:
            return
        self._pending.discard("attempt")
        if message.data is None or message.output is None:
            why = (
                f"Could not read the attempt: {message.error}"
                if message.error
                else "This attempt no longer exists."
            )
            for selector in ("#diff-summary", "#output-status"):
                self._say(selector, why, problem=True)
            self.diff_view.show_message(why)
            return
        self.data = message.data
        self.attempt = message.data.attempt
        self.output = message.output
        self._show_facts(self.attempt)
        self.output_view.show_output(message.output, message.longest_line)
        self._show_output_status()
        self._show_errors(message.data)
        self._request_diff(None)

    def _show_errors(self, data: AttemptReviewData) -> None:
        body = self.query_one("#errors-body", VerticalScroll)
        body.remove_children()
        widgets: list[Widget] = []
        if data.attempt.error_message:
            widgets.append(Label(Text("The attempt's error message"), classes="review-heading"))
            widgets.append(Static(safe_text(data.attempt.error_message, newlines="keep")))
        for error in data.errors:
            widgets.append(Label(self._error_heading(error), classes="review-heading"))
            widgets.append(Static(safe_text(error.message, newlines="keep")))
            if error.stack_trace:
                trace = safe_text(error.stack_trace, newlines="keep")
                widgets.append(Static(trace, classes="review-trace"))
        if not widgets:
            widgets.append(
                Static(Text("No errors recorded for this attempt."), classes="review-none")
            )
        body.mount_all(widgets)
        total = len(data.errors) + (1 if data.attempt.error_message else 0)
        tabs = self.query_one("#review-tabs", TabbedContent)
        tabs.get_tab("errors").label = Text(f"Errors ({total})")

    def _error_heading(self, error: AttemptError) -> Text:
        parts = [
            error.error_type,
            error.category or "",
            error.severity or "",
            "resolved" if error.resolved else "unresolved",
        ]
        if error.created_at:
            parts.append(f"{age(error.created_at, self._clock())} ago")
        return Text(" · ".join(make_visible(p) for p in parts if p))

    # --- the diff: files, then one patch at a time ---

    def _request_diff(self, against: AttemptCommit | None) -> None:
        data = self.data
        if data is None:
            return
        sha = data.attempt.commit_sha
        self.review = None
        self.problem = None
        self.shown_patch = None
        self.shown_file = None
        self._wanted = None
        self._pending.discard("diff")
        self.files.show_files(())
        if not sha:
            self._show_diff_problem("This attempt recorded no commit: there is no diff to show.")
            return
        if against is None:
            request = DiffRequest(
                worktree_path=data.worktree_path,
                repository_path=data.repository_path,
                new_sha=sha,
            )
        else:
            earlier = against.attempt_number < data.attempt.attempt_number
            request = DiffRequest(
                worktree_path=data.worktree_path,
                repository_path=data.repository_path,
                old_sha=against.commit_sha if earlier else sha,
                new_sha=sha if earlier else against.commit_sha,
            )
        self.comparing = against
        self.diff_request = request
        self.query_one("#diff-body").display = True
        self.query_one("#diff-summary").add_class("one-line")
        self._say("#diff-summary", "Reading the diff…")
        self.query_one("#diff-file", Static).update("")
        self.diff_view.show_message("Loading…")
        self._pending.add("diff")
        self.app.post_message(DiffRequested(self, request))

    def _show_diff_problem(self, message: str) -> None:
        self.query_one("#diff-body").display = False
        self.query_one("#diff-summary").remove_class("one-line")
        self._say("#diff-summary", message, problem=True)

    @on(DiffLoaded)
    def _diff_loaded(self, message: DiffLoaded) -> None:
        if message.request != self.diff_request:
            return  # an earlier comparison the user has moved on from
        self._pending.discard("diff")
        outcome = message.outcome
        if isinstance(outcome, ReviewProblem):
            self.problem = outcome
            self._show_diff_problem(f"No diff: {outcome.message}")
            return
        self.review = outcome
        self.query_one("#diff-summary", Static).update(self._summary(outcome))
        if not outcome.files.files:
            self.diff_view.show_message("No file changed.")
        self.files.show_files(outcome.files.files)

    def _summary(self, review: Review) -> Text:
        files = review.files
        text = Text(end="")
        shown = len(files.files)
        text.append(f"{shown:,} file{'' if shown == 1 else 's'}, ")
        text.append(f"+{files.insertions:,} -{files.deletions:,}")
        if files.truncated:
            text.append(" (the list is cut: too many files)")
        text.append(" · ")
        diff_range = files.range
        comparing = self.comparing
        if comparing is None:
            parent = f"parent {short_sha(diff_range.old)}" if diff_range.old else "a first commit"
            text.append(f"commit {short_sha(diff_range.new)} ({parent})")
        else:
            mine = self.attempt.attempt_number
            first, second = sorted((comparing.attempt_number, mine))
            text.append(
                f"attempt {first} {short_sha(diff_range.old)} → "
                f"attempt {second} {short_sha(diff_range.new)}"
            )
        text.append(
            " · in the card's worktree"
            if review.source == "worktree"
            else " · in the project's repository"
        )
        return text

    @on(FileList.Highlighted)
    def _file_highlighted(self, message: FileList.Highlighted) -> None:
        review = self.review
        if review is None or not 0 <= message.index < len(self.files.files):
            return
        file = self.files.files[message.index]
        self._wanted = file
        self._show_file_title()
        cached = self._patches.get(_key(review, file))
        if cached is not None:
            self._patches.move_to_end(_key(review, file))
            self._show_patch(cached)
            return
        self.shown_patch = None
        self.shown_file = None
        self.diff_view.show_message(f"Loading {make_visible(file.display_path)}…")
        if self._reading is None:
            self._read_patch(review, file)

    def _read_patch(self, review: Review, file: ChangedFile) -> None:
        self._reading = _key(review, file)
        self.app.post_message(PatchRequested(self, review, file))

    @on(PatchLoaded)
    def _patch_loaded(self, message: PatchLoaded) -> None:
        self._reading = None
        review, wanted = self.review, self._wanted
        if review is None:
            return
        if message.review.files.range == review.files.range:  # not from an earlier diff
            self._patches[_key(review, message.file)] = message
            while len(self._patches) > CACHED_PATCHES:
                self._patches.popitem(last=False)
        if wanted is None:
            return
        cached = self._patches.get(_key(review, wanted))
        if cached is None:
            self._read_patch(review, wanted)  # the cursor moved on while git ran
        elif self.shown_file != wanted:
            self._show_patch(cached)

    def _show_patch(self, loaded: PatchLoaded) -> None:
        self.shown_file = loaded.file
        if isinstance(loaded.patch, ReviewProblem):
            self.shown_patch = None
            self.diff_view.show_message(f"Could not read this file's diff: {loaded.patch.message}")
        else:
            self.shown_patch = loaded.patch
            self.diff_view.show_patch(loaded.patch, loaded.lexer_name)
        self._show_file_title()

    def _show_file_title(self) -> None:
        file = self.files.current
        if file is None:
            return
        text = Text(end="")
        text.append(f"{STATUS_LETTERS[file.status]} ")
        text.append(make_visible(file.display_path))
        text.append(f"  {file.status}  {counts_of(file)}")
        text.append(f"  ·  file {self.files.cursor + 1:,} of {len(self.files.files):,}")
        text.append(f"  ·  {self.diff_view.layout_mode}")
        self.query_one("#diff-file", Static).update(text)

    # --- the output ---

    def _show_output_status(self) -> None:
        output, data = self.output, self.data
        if output is None or data is None:
            return
        if output.line_count == 0:
            self._say("#output-status", "This attempt printed no output.")
            return
        text = Text(f"{output.line_count:,} lines", end="")
        if data.output_cut:
            text.append(" (the output is cut: it is longer than the reader reads)")
        if self.search_query:
            text.append("  ·  “")
            text.append(make_visible(self.search_query))
            if not self.matches:
                text.append("”: no match")
            else:
                position = bisect_left(self.matches, self.match_line or 0) + 1
                text.append(
                    f"”: match {position:,} of {len(self.matches):,}"
                    f" (line {(self.match_line or 0) + 1:,})"
                )
        self.query_one("#output-status", Static).update(text)

    @work(thread=True, exclusive=True, group="output-search", exit_on_error=False)
    def _search(self, output: OutputIndex, query: str) -> None:
        # No database and no git: a scan of the text, off the event loop for 20 MB.
        self.post_message(SearchDone(query, output.search(query)))

    @on(SearchDone)
    def _search_done(self, message: SearchDone) -> None:
        if message.query != self.search_query:
            return
        self.matches = message.matches
        top = self.output_view.first_visible_row
        self.match_line = next_match(message.matches, top - 1)
        self.output_view.mark(message.query, self.match_line)
        self._show_output_status()

    @on(Input.Submitted, "#output-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._close_search()
        query = event.value.strip()
        self.search_query = query
        self.matches, self.match_line = (), None
        if not query or self.output is None:
            self.output_view.mark("", None)
            self._show_output_status()
            return
        self._search(self.output, query)

    def _close_search(self) -> None:
        search = self.query_one("#output-search", Input)
        search.display = False
        self.output_view.focus()

    # --- keys ---

    def action_back(self) -> None:
        search = self.query_one("#output-search", Input)
        if search.display:
            self._close_search()
        else:
            self.app.pop_screen()

    def action_show_tab(self, tab: str) -> None:
        self.query_one("#review-tabs", TabbedContent).active = tab
        self._focus_tab(tab)

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id:
            self._focus_tab(event.pane.id)

    def _focus_tab(self, tab: str) -> None:
        focus: dict[str, Widget] = {
            "diff": self.diff_view,
            "output": self.output_view,
            "errors": self.query_one("#errors-body"),
        }
        if tab in focus and not self.query_one("#output-search", Input).has_focus:
            focus[tab].focus()

    def action_toggle_layout(self) -> None:
        split = self.diff_view.layout_mode is Layout.UNIFIED
        self.diff_view.set_layout(Layout.SPLIT if split else Layout.UNIFIED)
        self._show_file_title()
        self.action_show_tab("diff")

    def action_file(self, step: int) -> None:
        self.action_show_tab("diff")
        self.files.move_to(self.files.cursor + step)

    def action_compare(self) -> None:
        data = self.data
        if data is None:
            return
        if not data.attempt.commit_sha:
            self.notify("This attempt has no commit to compare.", severity="warning")
            return
        others = [c for c in data.commits if c.id != data.attempt.id]
        if not others:
            self.notify("No other attempt of this card has a commit.", severity="warning")
            return

        def picked(choice: CompareChoice | None) -> None:
            if choice is not None:
                self.action_show_tab("diff")
                self._request_diff(choice.against)

        self.app.push_screen(
            ComparePickerScreen(data.attempt.attempt_number, others, self.comparing), picked
        )

    def action_search(self) -> None:
        self.action_show_tab("output")
        search = self.query_one("#output-search", Input)
        search.value = self.search_query
        search.display = True
        search.focus()

    def action_match(self, step: int) -> None:
        if not self.search_query:
            self.notify("Search the output with / first.")
            return
        self.action_show_tab("output")
        if not self.matches:
            self._show_output_status()
            return
        here = (
            self.match_line if self.match_line is not None else self.output_view.first_visible_row
        )
        found = next_match if step > 0 else previous_match
        self.match_line = found(self.matches, here)
        self.output_view.mark(self.search_query, self.match_line)
        self._show_output_status()


def _diff_stats(stored: JsonText | None) -> str:
    stats = parse_diff_stats(stored)
    if stats is None:
        shown = None if stored is None else stored.broken or json.dumps(stored.value)
        return (shown or MISSING)[:80]
    files = MISSING if stats.files_changed is None else f"{stats.files_changed:,}"
    insertions = MISSING if stats.insertions is None else f"{stats.insertions:,}"
    deletions = MISSING if stats.deletions is None else f"{stats.deletions:,}"
    return f"{files} files, +{insertions} -{deletions}"

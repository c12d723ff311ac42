"""`p`: limit the dashboard to one project, or show them all."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from ringmaster_tui.domain.snapshot import Project
from ringmaster_tui.ui.safe_text import safe_text

ALL_PROJECTS = "\x00all"  # an option id no project id can be (ids are text from the database)


@dataclass(frozen=True)
class ProjectChoice:
    project_id: str | None
    """None: every project."""


class ProjectPickerScreen(ModalScreen[ProjectChoice | None]):
    """Dismisses with the choice, or None when cancelled."""

    HELP_GROUP: ClassVar[str] = "Projects"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="project.cancel"),
    ]

    def __init__(
        self, projects: Sequence[Project], current: str | None, group_title: str = "project"
    ) -> None:
        super().__init__(id="project-picker")
        self._projects = projects
        self._current = current
        self._group = group_title

    def compose(self) -> ComposeResult:
        options = [Option(Text(f"All {self._group}s"), id=ALL_PROJECTS)]
        options += [
            Option(safe_text(p.name or p.id, one_line=True), id=p.id) for p in self._projects
        ]
        with Vertical(id="project-dialog", classes="dialog"):
            yield Label(Text(f"Show the {self._group}"), classes="dialog-title")
            yield OptionList(*options, id="projects", markup=False)
            yield Label(Text("enter picks · escape cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        projects = self.query_one(OptionList)
        if self._current is not None:
            with suppress(OptionDoesNotExist):  # the project was deleted meanwhile
                projects.highlighted = projects.get_option_index(self._current)
        projects.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = event.option.id
        self.dismiss(ProjectChoice(None if chosen == ALL_PROJECTS else chosen))

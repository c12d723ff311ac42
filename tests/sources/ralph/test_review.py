"""A story's commit is reviewed with the attempt review (its diff, file by file, through
safe git) when the project's repository URL is a repository on this machine; a remote
URL leaves the commit's message and files, and the review says the repository is not
found."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from ringmaster_tui import commands
from ringmaster_tui.cli import _open_parser
from ringmaster_tui.commands import settings_from
from ringmaster_tui.config import Settings
from ringmaster_tui.domain.views import SectionedDetail
from ringmaster_tui.review import Review, load_commit_review
from ringmaster_tui.sources.base import Source
from ringmaster_tui.sources.ralph.sim.demo import create_demo_database
from ringmaster_tui.sources.registry import open_source
from ringmaster_tui.ui.app import RingmasterApp
from ringmaster_tui.ui.screens.card_detail import CardDetailScreen
from ringmaster_tui.ui.screens.review import ReviewScreen
from tests.builders import NOW
from tests.ui.helpers import board, loaded, until


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ralph-review")
    path = folder / "demo.db"
    create_demo_database(path, seed=3, repo_root=folder / "repos", now=NOW)
    return path


@pytest.fixture
def demo_source(demo: Path) -> Iterator[Source]:
    source = open_source(demo, user="ann", read_only=True)
    yield source
    source.close()


def _committed_story(db: Path) -> tuple[str, str]:
    with closing(sqlite3.connect(db)) as conn:
        story, commit = conn.execute(
            "SELECT story_id, id FROM git_commits ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return str(story), f"commit:{commit}"


def test_the_detail_offers_each_commit_for_review(demo_source: Source, demo: Path) -> None:
    story, commit = _committed_story(demo)
    detail = demo_source.card_detail(story, NOW)
    assert isinstance(detail, SectionedDetail)
    commits = next(s for s in detail.sections if s.title.startswith("Commits"))
    assert commits.review_ids[0] == commit and len(commits.review_ids) == len(commits.rows)


def test_a_commit_in_a_local_repository_reviews_with_its_diff(
    demo_source: Source, demo: Path
) -> None:
    _, commit = _committed_story(demo)
    data = demo_source.attempt_review(commit)
    assert data is not None and data.repository_path is not None
    assert data.attempt.commit_sha and data.commits[-1].id == commit
    outcome = load_commit_review(None, data.repository_path, data.attempt.commit_sha)
    assert isinstance(outcome, Review)
    paths = sorted(f.path for f in outcome.files.files)
    assert paths == sorted(line for line in data.output.splitlines() if "/" in line)
    assert demo_source.attempt_review("commit:999999") is None
    assert demo_source.attempt_review("nonsense") is None


def test_a_remote_repository_url_has_no_local_path(demo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "remote.db"
    with closing(sqlite3.connect(demo)) as src, closing(sqlite3.connect(copy)) as dst:
        src.backup(dst)
        dst.execute("UPDATE projects SET backend_repo_url = 'https://git.example.com/b.git'")
        dst.execute("UPDATE projects SET frontend_repo_url = 'git@example.com:f.git'")
        dst.execute("UPDATE projects SET mobile_repo_url = NULL")
        dst.commit()
    source = open_source(copy, user="ann", read_only=True)
    try:
        data = source.attempt_review(_committed_story(copy)[1])
        assert data is not None and data.repository_path is None
        assert data.output.startswith("feat: US-")  # the message and files instead
    finally:
        source.close()


def _remote_copy(demo: Path, copy: Path) -> dict[str, str]:
    """`demo` copied to `copy` with every repository URL remote; the local clones the
    URLs named, by repo name and by PROJECT/NAME."""
    clones: dict[str, str] = {}
    with closing(sqlite3.connect(demo)) as src, closing(sqlite3.connect(copy)) as dst:
        src.backup(dst)
        for name, backend, mobile, frontend in dst.execute(
            "SELECT name, backend_repo_url, mobile_repo_url, frontend_repo_url FROM projects"
        ):
            for repo, url in (("backend", backend), ("mobile", mobile), ("frontend", frontend)):
                if url:
                    clones[f"{name}/{repo}"] = url.removeprefix("file://")
        dst.execute(
            "UPDATE projects SET backend_repo_url = 'https://git.example.com/b.git',"
            " mobile_repo_url = 'https://git.example.com/m.git',"
            " frontend_repo_url = 'git@example.com:f.git'"
        )
        dst.commit()
    return clones


def test_repo_flags_map_remote_urls_to_local_clones(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "remote.db"
    clones = _remote_copy(demo, copy)
    story, commit = _committed_story(copy)
    with closing(sqlite3.connect(copy)) as conn:
        repo, project = conn.execute(
            "SELECT c.repo, p.name FROM git_commits c JOIN features f ON f.id = c.feature_id"
            " JOIN projects p ON p.id = f.project_id WHERE 'commit:' || c.id = ?",
            (commit,),
        ).fetchone()
    clone = clones[f"{project}/{repo}"]
    # The settings file names a wrong clone for every project; the flag, for this one.
    config = tmp_path / "config"
    (config / "ringmaster-tui").mkdir(parents=True)
    (config / "ringmaster-tui" / "config.toml").write_text(
        f'user = "from-file"\n[repos]\n{repo} = "{tmp_path / "nowhere"}"\n'
    )
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    args = _open_parser().parse_args([str(copy), "--repo", f"{project}/{repo}={clone}"])
    settings = settings_from(args)
    assert settings.user == "from-file"
    assert settings.repos == {repo: str(tmp_path / "nowhere"), f"{project}/{repo}": clone}
    source = commands._open(settings)
    try:
        data = source.attempt_review(commit)
        assert data is not None and data.repository_path == clone  # PROJECT/NAME first
        outcome = load_commit_review(None, clone, data.attempt.commit_sha or "")
        assert isinstance(outcome, Review) and outcome.files.files
    finally:
        source.close()
    assert story


def test_a_repo_flag_that_is_not_name_equals_path_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        _open_parser().parse_args(["x.db", "--repo", "backend"])
    assert "is not NAME=PATH" in capsys.readouterr().err


def test_a_broken_settings_file_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ringmaster-tui").mkdir()
    (tmp_path / "ringmaster-tui" / "config.toml").write_text("[repos\nbackend = 1\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    with pytest.raises(commands.CommandError, match="cannot read the settings file"):
        settings_from(_open_parser().parse_args(["x.db"]))
    (tmp_path / "ringmaster-tui" / "config.toml").write_text('colour = "red"\n')
    with pytest.raises(commands.CommandError, match="no setting is called 'colour'"):
        settings_from(_open_parser().parse_args(["x.db"]))


@pytest.mark.anyio
async def test_enter_on_a_commit_opens_its_review(demo: Path) -> None:
    story, _ = _committed_story(demo)
    source = open_source(demo, user="ann", read_only=True)
    app = RingmasterApp(
        source,
        Settings(db=str(demo), user="ann", bell=False, read_only=True),
        clock=lambda: NOW,
        animate=False,
        live=False,
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert board(app).select_card(story)
        await pilot.press("enter")
        await until(
            pilot,
            lambda: isinstance(app.screen, CardDetailScreen) and app.screen.detail is not None,
        )
        await pilot.press("d")  # the newest commit
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await until(pilot, lambda: screen.review is not None, timeout=20)
        assert screen.review is not None and screen.review.files.files

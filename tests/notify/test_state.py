"""The memory of what was notified: once per item, across instances and processes,
bounded, written atomically, a broken file set aside."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ringmaster_tui.notify import state as state_module
from ringmaster_tui.notify.state import (
    NotifiedState,
    StateError,
    database_key,
    default_state_path,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_file_is_in_the_xdg_state_directory(state_home: Path) -> None:
    assert default_state_path() == state_home / "ringmaster-tui" / "notified.json"


def test_without_xdg_state_home_it_is_under_local_state(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_state_path() == tmp_path / ".local/state/ringmaster-tui/notified.json"


def test_an_item_is_claimed_once_even_by_a_new_instance(tmp_path: Path) -> None:
    path = tmp_path / "notified.json"
    assert NotifiedState(path).claim("/db", "decision:1")
    assert not NotifiedState(path).claim("/db", "decision:1")
    assert NotifiedState(path).claim("/other.db", "decision:1")  # per database
    assert NotifiedState(path).claim("/db", "alert:1")  # per kind of item
    saved = json.loads(path.read_text())
    assert set(saved["notified"]) == {"/db", "/other.db"}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left


def test_two_processes_claiming_the_same_items_split_them(tmp_path: Path) -> None:
    path = tmp_path / "notified.json"
    claimer = (
        "import sys\n"
        "from pathlib import Path\n"
        "from ringmaster_tui.notify.state import NotifiedState\n"
        "state = NotifiedState(Path(sys.argv[1]))\n"
        "won = [k for k in range(200) if state.claim('/db', f'decision:{k}')]\n"
        "print(' '.join(map(str, won)))\n"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", claimer, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    won = [set(map(int, run.communicate(timeout=60)[0].split())) for run in runs]
    assert won[0] | won[1] == set(range(200))
    assert won[0] & won[1] == set()


def test_the_memory_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(state_module, "MAX_ITEMS_PER_DATABASE", 5)
    monkeypatch.setattr(state_module, "MAX_DATABASES", 2)
    state = NotifiedState(tmp_path / "notified.json")
    for n in range(8):
        state.claim("/a", f"decision:{n}")
    state.claim("/b", "alert:1")
    state.claim("/c", "alert:1")  # the least recently used other database goes
    saved = json.loads(state.path.read_text())["notified"]
    assert set(saved) == {"/b", "/c"}
    state.claim("/a", "decision:9")  # now /b is the least recently used
    saved = json.loads(state.path.read_text())["notified"]
    assert set(saved) == {"/a", "/c"}


def test_the_oldest_items_go_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(state_module, "MAX_ITEMS_PER_DATABASE", 3)
    state = NotifiedState(tmp_path / "notified.json")
    for n in range(5):
        state.claim("/a", f"decision:{n}")
    saved = json.loads(state.path.read_text())["notified"]["/a"]
    assert set(saved) == {"decision:2", "decision:3", "decision:4"}


def test_a_broken_file_is_set_aside_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "notified.json"
    path.write_text('{"notified": {"/db": ["not', encoding="utf-8")
    assert NotifiedState(path).claim("/db", "decision:1")
    assert (tmp_path / "notified.json.broken").read_text().startswith('{"notified"')
    assert set(json.loads(path.read_text())["notified"]["/db"]) == {"decision:1"}


def test_a_path_where_a_directory_should_be_is_a_state_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(StateError, match="cannot keep"):
        NotifiedState(tmp_path / "file" / "notified.json").claim("/db", "decision:1")


def test_databases_are_named_by_full_path_or_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert database_key("loops.db") == database_key("./loops.db") == str(tmp_path / "loops.db")
    url = "postgresql://ann@db.example.com/loops"
    assert database_key(url) == url

"""What the episodes source reads from the standard store (tests/sources/episodes/
builders.py): the board, the live, patterns and problems tables, and an episode's detail."""

from __future__ import annotations

from ringmaster_tui.domain.snapshot import BoardQuery, Snapshot
from ringmaster_tui.domain.views import FactKind, SectionedDetail, TableData
from ringmaster_tui.sources.episodes.source import EpisodesSource
from ringmaster_tui.ui.formatting import MISSING, fact_text
from tests.builders import NOW

ALL_LISTS = frozenset({"loops", "patterns", "problems"})


def lanes(snapshot: Snapshot) -> dict[str, list[str]]:
    return {lane.name: [card.id for card in lane.cards] for lane in snapshot.lanes}


def cells(data: TableData, column: str) -> list[str]:
    return [fact_text(row.cells[column]) if column in row.cells else "" for row in data.rows]


def test_the_board_has_a_lane_per_status_newest_first_and_hides_archived(
    source: EpisodesSource,
) -> None:
    snapshot = source.snapshot(BoardQuery(), NOW)
    assert lanes(snapshot) == {
        "ACTIVE": ["e-login", "e-quiet", "e-stuck"],
        "COMPLETED": ["e-done", "e-coupon"],
        "FAILED": ["e-vat"],
    }
    assert snapshot.states == {"active": 3, "completed": 2, "failed": 1, "archived": 1}
    assert snapshot.totals.cards == 6 and snapshot.totals.active_loops == 3
    shown = source.snapshot(BoardQuery(show_archived=True), NOW)
    assert lanes(shown)["ARCHIVED"] == ["e-old"]


def test_the_pickers_groups_are_the_domains(source: EpisodesSource) -> None:
    snapshot = source.snapshot(BoardQuery(project_id="billing"), NOW)
    assert [p.id for p in snapshot.projects] == ["auth", "billing"]
    assert lanes(snapshot) == {
        "ACTIVE": ["e-quiet"],
        "COMPLETED": ["e-coupon"],
        "FAILED": ["e-vat"],
    }
    assert source.capabilities.group_title == "domain"


def test_a_card_shows_task_type_domain_steps_share_duration_and_success_rate(
    source: EpisodesSource,
) -> None:
    snapshot = source.snapshot(BoardQuery(), NOW)
    cards = {card.id: card for lane in snapshot.lanes for card in lane.cards}
    login = cards["e-login"]
    assert login.title == "Fix the login redirect loop"
    assert [fact_text(f) for f in login.facts] == [
        "steps 5",
        "ok 80%",
        "for 40m",
        f"rate {MISSING}",
        "debugging",
        "auth",
    ]
    done = [fact_text(f) for f in cards["e-done"].facts]
    assert done == ["steps 3", "ok 100%", "for 1h00m", "rate 90%", "analysis", "auth"]
    stuck = [fact_text(f) for f in cards["e-stuck"].facts]
    assert stuck[0] == "STALLED" and "ok 50%" in stuck
    assert [fact_text(f) for f in cards["e-quiet"].facts][:2] == ["STALLED", "steps 0"]


def test_the_filter_reads_context_task_type_and_domain(source: EpisodesSource) -> None:
    assert lanes(source.snapshot(BoardQuery(text="PASSWORD reset"), NOW)) == {
        "ACTIVE": ["e-login"],
        "COMPLETED": [],
        "FAILED": [],
    }
    assert lanes(source.snapshot(BoardQuery(text="testing"), NOW))["FAILED"] == ["e-vat"]
    nothing = source.snapshot(BoardQuery(text="100%_"), NOW)
    assert sum(lane.count for lane in nothing.lanes) == 0  # % and _ are literal


def test_the_live_view_tails_each_active_episode_and_marks_the_stalled(
    source: EpisodesSource,
) -> None:
    data = source.snapshot(BoardQuery(lists=frozenset({"loops"})), NOW).tables["loops"]
    assert [row.id for row in data.rows] == [
        "e:e-login",
        "s:e-login-s3",
        "s:e-login-s4",
        "s:e-login-s5",
        "e:e-stuck",
        "s:e-stuck-s1",
        "s:e-stuck-s2",
        "e:e-quiet",
    ]
    assert data.total == 8
    assert data.summary == "rows: 3 active episodes and their latest steps · 2 stalled"
    assert cells(data, "since")[0] == "1m" and cells(data, "since")[4] == "30m"
    assert [row.seen for row in data.rows if row.id.startswith("e:")] == [
        "active",
        "stalled",
        "stalled",
    ]
    assert cells(data, "mark")[4] == "STALLED" and cells(data, "mark")[0] == "live"
    assert cells(data, "ok")[1:4] == ["✗", "✓", "✓"]
    assert all(row.card_id == "e-login" for row in data.rows[:4])


def test_the_patterns_view_groups_by_type_and_sorts_by_success_or_usage(
    source: EpisodesSource,
) -> None:
    def ids(**query: object) -> list[str]:
        snapshot = source.snapshot(BoardQuery(lists=frozenset({"patterns"}), **query), NOW)
        return [row.id for row in snapshot.tables["patterns"].rows]

    assert ids() == ["p-vat", "p-retry", "p-cache", "p-seq"]
    assert ids(view_flags=frozenset({"patterns.usage"})) == ["p-retry", "p-vat", "p-cache", "p-seq"]
    assert ids(view_text=(("patterns", "DECIMAL"),)) == ["p-vat"]
    assert ids(view_text=(("patterns", '"domains"'),)) == ["p-cache"]
    data = source.snapshot(BoardQuery(lists=frozenset({"patterns"})), NOW).tables["patterns"]
    assert cells(data, "last_used") == ["1d00h ago", "2h00m ago", "never", "10m ago"]


def test_the_problems_view_lists_failed_steps_and_episodes_newest_first(
    source: EpisodesSource,
) -> None:
    data = source.snapshot(BoardQuery(lists=frozenset({"problems"})), NOW).tables["problems"]
    assert [row.id for row in data.rows] == [
        "s:e-login-s3",
        "s:e-stuck-s2",
        "e:e-vat",
        "s:e-vat-s3",
        "s:e-vat-s1",
    ]
    assert data.total == 5
    billing = source.snapshot(
        BoardQuery(lists=frozenset({"problems"}), project_id="billing"), NOW
    ).tables["problems"]
    assert [row.id for row in billing.rows] == ["e:e-vat", "s:e-vat-s3", "s:e-vat-s1"]
    assert billing.total == 3
    texted = source.snapshot(
        BoardQuery(lists=frozenset({"problems"}), view_text=(("problems", "VAT"),)), NOW
    ).tables["problems"]
    assert [row.id for row in texted.rows] == ["e:e-vat", "s:e-vat-s3", "s:e-vat-s1"]


def test_only_the_list_on_screen_is_read(source: EpisodesSource) -> None:
    assert source.snapshot(BoardQuery(lists=frozenset()), NOW).tables == {}
    assert set(source.snapshot(BoardQuery(lists=ALL_LISTS), NOW).tables) == set(ALL_LISTS)


def section(detail: SectionedDetail, starts: str) -> object:
    return next(s for s in detail.sections if s.title.startswith(starts))


def test_the_detail_has_context_metadata_steps_embeddings_by_model_and_patterns(
    source: EpisodesSource,
) -> None:
    detail = source.card_detail("e-login", NOW)
    assert isinstance(detail, SectionedDetail)
    titles = [s.title for s in detail.sections]
    assert titles == [
        "Episode",
        "Context",
        "Metadata",
        "Steps (5)",
        "Embeddings (3)",
        "Patterns in auth",
    ]
    by_title = {s.title: s for s in detail.sections}
    assert by_title["Context"].text == "Fix the login redirect loop\nafter a password reset"
    metadata = by_title["Metadata"].json_value
    assert metadata is not None and metadata.value == {"agent": "memory-agent"}
    steps = by_title["Steps (5)"]
    assert [fact_text(row[0]) for row in steps.rows] == ["1", "2", "3", "4", "5"]
    assert [fact_text(row[4]) for row in steps.rows] == ["✓", "✓", "✗", "✓", "✓"]
    embeddings = by_title["Embeddings (3)"]
    assert [tuple(fact_text(f) for f in row) for row in embeddings.rows] == [
        ("nomic-embed-text", "1"),
        ("text-embedding-3-small", "2"),
    ]
    assert "VECTOR" not in detail.model_dump_json()  # counted, never read
    patterns = by_title["Patterns in auth"]
    assert [fact_text(row[0]) for row in patterns.rows] == [
        "tool_sequence",
        "optimization",
        "error_resolution",
    ]
    facts = dict(by_title["Episode"].facts)
    assert fact_text(facts["succeeded"]) == "80%" and fact_text(facts["embedding ver"]) == "v2"
    assert facts["steps"].kind is FactKind.COUNT


def test_broken_metadata_is_shown_as_stored(source: EpisodesSource) -> None:
    detail = source.card_detail("e-coupon", NOW)
    assert isinstance(detail, SectionedDetail)
    metadata = next(s for s in detail.sections if s.title == "Metadata").json_value
    assert metadata is not None and metadata.broken == "{not json"
    assert source.card_detail("no-such-episode", NOW) is None


def test_the_live_view_reads_only_the_rows_asked_for(source: EpisodesSource) -> None:
    query = BoardQuery(lists=frozenset({"loops"}), list_limit=5)
    data = source.snapshot(query, NOW).tables["loops"]
    assert [row.id for row in data.rows] == [
        "e:e-login",
        "s:e-login-s3",
        "s:e-login-s4",
        "s:e-login-s5",
        "e:e-stuck",
    ]
    assert data.total == 8  # the header says "5 loaded" of them

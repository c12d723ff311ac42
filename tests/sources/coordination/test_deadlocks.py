"""Deadlocks are the wait graph's cycles: each found once, with every loop and resource."""

from __future__ import annotations

from ringmaster_tui.sources.coordination.read.deadlocks import Wait, find_deadlocks


def w(waiter: str, holder: str, resource: str = "") -> Wait:
    return Wait(waiter, holder, resource or f"{waiter}>{holder}", None)


def test_two_loops_waiting_for_each_other() -> None:
    (found,) = find_deadlocks([w("b", "a", "x.py"), w("a", "b", "y.py")])
    assert found.loops == ("a", "b")
    assert found.resources == ("x.py", "y.py")


def test_a_chain_without_a_cycle_is_no_deadlock() -> None:
    assert find_deadlocks([w("a", "b"), w("b", "c"), w("c", "d"), w("a", "d")]) == []


def test_a_long_cycle_a_self_wait_and_a_bystander() -> None:
    waits = [w("e", "f"), w("f", "g"), w("g", "e"), w("d", "d"), w("z", "e")]
    found = find_deadlocks(waits)
    assert [d.loops for d in found] == [("d",), ("e", "f", "g")]
    assert all("z" not in d.loops for d in found)  # waits for a deadlock, is not in it


def test_two_cycles_through_one_loop_are_one_group() -> None:
    (found,) = find_deadlocks([w("a", "b"), w("b", "a"), w("a", "c"), w("c", "a")])
    assert set(found.loops) <= {"a", "b", "c"} and found.loops[0] == "a"
    assert {(x.waiter, x.holder) for x in found.waits} == {
        ("a", "b"),
        ("b", "a"),
        ("a", "c"),
        ("c", "a"),
    }


def test_a_big_graph_needs_no_recursion() -> None:
    ring = [w(f"l{n:05d}", f"l{(n + 1) % 5000:05d}") for n in range(5000)]
    (found,) = find_deadlocks(ring)
    assert len(found.loops) == 5000

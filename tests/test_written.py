"""bot/core/written.py: the name history's memo of what it last wrote."""

from __future__ import annotations

import pytest

from bot.core.written import LastWritten


def test_a_written_value_is_the_same_until_it_changes_and_back() -> None:
    memo = LastWritten(slots=1 << 10)
    key = ("wxid_a", "name", None)
    assert not memo.same(key, "老王")  # never written
    memo.wrote(key, "老王")
    assert memo.same(key, "老王") and not memo.same(key, "王总")
    memo.wrote(key, "王总")
    assert memo.same(key, "王总") and not memo.same(key, "老王")  # A -> B -> A is written again
    assert not memo.same(("wxid_b", "name", None), "老王")  # another key


def test_a_full_table_forgets_rather_than_claims_unchanged() -> None:
    """More keys than slots: those that lost their slot are written again (never skipped)."""
    memo = LastWritten(slots=1 << 8)
    keys = [(f"wxid_{i}", "name", None) for i in range(5000)]
    for key in keys:
        memo.wrote(key, f"名字{key[0]}")
    remembered = sum(memo.same(key, f"名字{key[0]}") for key in keys)
    assert 0 < remembered <= 1 << 8
    assert not any(memo.same(key, "别的名字") for key in keys)


def test_slots_must_be_a_power_of_two() -> None:
    with pytest.raises(ValueError):
        LastWritten(slots=1000)

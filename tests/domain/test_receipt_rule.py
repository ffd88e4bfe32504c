"""The plain rules of email receiving: recipient matching, rule order, IP filters."""

from __future__ import annotations

import datetime

import pytest

from openses.domain.errors import InvalidInput, RuleAlreadyExists, RuleNotFound
from openses.domain.receipt_rule import ReceiptFilter, ReceiptRule, ReceiptRuleSet, blocked


def _set(*names: str) -> ReceiptRuleSet:
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    return ReceiptRuleSet(name="s", created_at=now, rules=[ReceiptRule(name=n) for n in names])


def _names(rule_set: ReceiptRuleSet) -> list[str]:
    return [rule.name for rule in rule_set.rules]


@pytest.mark.parametrize(
    ("recipients", "address", "matches"),
    [
        ((), "anyone@anywhere.example", True),
        (("User@Example.com",), "user@example.COM", True),
        (("user@example.com",), "other@example.com", False),
        (("example.com",), "x@example.com", True),
        (("example.com",), "x@sub.example.com", False),
        ((".example.com",), "x@sub.example.com", True),
        ((".example.com",), "x@a.b.example.com", True),
        ((".example.com",), "x@example.com", False),
        ((".example.com",), "x@notexample.com", False),
    ],
)
def test_matching(recipients: tuple[str, ...], address: str, matches: bool) -> None:
    assert ReceiptRule(name="r", recipients=recipients).matches(address) is matches


def test_add_move_reorder() -> None:
    rule_set = _set("a", "b")
    rule_set.add(ReceiptRule(name="c"), after="a")
    assert _names(rule_set) == ["a", "c", "b"]
    with pytest.raises(RuleAlreadyExists):
        rule_set.add(ReceiptRule(name="a"), after=None)
    rule_set.move("a", after="b")
    assert _names(rule_set) == ["c", "b", "a"]
    rule_set.move("a", after="a")  # after itself: stays
    assert _names(rule_set) == ["c", "b", "a"]
    with pytest.raises(RuleNotFound):
        rule_set.move("a", after="zz")
    assert _names(rule_set) == ["c", "b", "a"]
    rule_set.reorder(["a", "b", "c"])
    assert _names(rule_set) == ["a", "b", "c"]
    with pytest.raises(InvalidInput):
        rule_set.reorder(["a", "a", "b", "c"])


def test_only_enabled_rules_match() -> None:
    rule_set = _set()
    rule_set.rules = [ReceiptRule(name="off"), ReceiptRule(name="on", enabled=True)]
    assert [rule.name for rule in rule_set.matching("x@y.example")] == ["on"]


def test_allow_wins_over_block() -> None:
    filters = [
        ReceiptFilter(name="all", policy="Block", cidr="0.0.0.0/0"),
        ReceiptFilter(name="one", policy="Allow", cidr="10.0.0.1"),
    ]
    assert blocked("10.0.0.2", filters)
    assert not blocked("10.0.0.1", filters)
    assert not blocked("10.0.0.2", filters[1:])
    assert not blocked("::1", filters)  # an IPv4 filter does not cover IPv6

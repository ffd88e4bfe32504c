"""Receipt rule sets, receipt rules and IP filters: the v1 management use cases of email
receiving (the mail itself is services/receiving.py's)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Protocol

from openses.domain.errors import CannotDelete, LimitExceeded
from openses.domain.receipt_rule import (
    MAX_FILTERS,
    MAX_RULE_SETS,
    ReceiptFilter,
    ReceiptRule,
    ReceiptRuleSet,
    check_rule_set_name,
)
from openses.services import paging
from openses.store.unit_of_work import UnitOfWork


class TargetCheck(Protocol):
    """Checks that the S3 buckets, SNS topics and Lambda functions a rule's actions name
    exist (events/receiving.py); raises InvalidS3Configuration, InvalidSnsTopic or
    InvalidLambdaFunction."""

    def check(self, rule: ReceiptRule, region: str) -> None: ...


def create_set(uow: UnitOfWork, name: str, now: datetime.datetime) -> None:
    check_rule_set_name(name)
    with uow:
        _check_set_room(uow)
        uow.receipt_rules.add_set(ReceiptRuleSet(name=name, created_at=now))
        uow.commit()


def clone_set(uow: UnitOfWork, name: str, original: str, now: datetime.datetime) -> None:
    check_rule_set_name(name)
    with uow:
        source = uow.receipt_rules.get_set(original)
        _check_set_room(uow)
        clone = ReceiptRuleSet(name=name, created_at=now, rules=list(source.rules))
        uow.receipt_rules.add_set(clone)
        uow.commit()


def _check_set_room(uow: UnitOfWork) -> None:
    """Inside the caller's unit of work, before it adds a rule set."""
    if uow.receipt_rules.count_sets() >= MAX_RULE_SETS:
        raise LimitExceeded(f"Maximum number of rule sets ({MAX_RULE_SETS}) reached.")


def delete_set(uow: UnitOfWork, name: str) -> None:
    """The active set cannot be deleted; a set that does not exist is no error (the model
    gives DeleteReceiptRuleSet CannotDelete alone)."""
    with uow:
        if uow.receipt_rules.is_active(name):
            raise CannotDelete(f"Cannot delete active rule set: {name}")
        uow.receipt_rules.remove_set(name)
        uow.commit()


def describe_set(uow: UnitOfWork, name: str) -> ReceiptRuleSet:
    with uow:
        return uow.receipt_rules.get_set(name)


def active_set(uow: UnitOfWork) -> ReceiptRuleSet | None:
    with uow:
        return uow.receipt_rules.active_set()


def set_active(uow: UnitOfWork, name: str | None) -> None:
    """No name deactivates the active set, as SetActiveReceiptRuleSet without RuleSetName."""
    with uow:
        uow.receipt_rules.set_active(name)
        uow.commit()


#: The rule sets in name order, without their rules.
list_sets: paging.PageReader[ReceiptRuleSet] = paging.page_reader(
    lambda uow: uow.receipt_rules, check=check_rule_set_name, key=paging.name_of
)


def reorder(uow: UnitOfWork, name: str, rule_names: Sequence[str]) -> None:
    with uow:
        rule_set = uow.receipt_rules.get_set(name, for_update=True)
        rule_set.reorder(rule_names)
        uow.receipt_rules.save_rules(rule_set)
        uow.commit()


def create_rule(
    uow: UnitOfWork, name: str, rule: ReceiptRule, *, after: str | None, check: TargetCheck | None
) -> None:
    rule.check()
    with uow:
        rule_set = uow.receipt_rules.get_set(name, for_update=True)
        rule_set.add(rule, after=after)
    # the targets are checked outside the transaction (they wait on AWS), then the set is
    # read again so that a change made meanwhile is kept
    if check is not None:
        check.check(rule, uow.region)
    with uow:
        rule_set = uow.receipt_rules.get_set(name, for_update=True)
        rule_set.add(rule, after=after)
        uow.receipt_rules.save_rules(rule_set)
        uow.commit()


def describe_rule(uow: UnitOfWork, name: str, rule_name: str) -> ReceiptRule:
    with uow:
        return uow.receipt_rules.get_set(name).rule(rule_name)


def update_rule(
    uow: UnitOfWork, name: str, rule: ReceiptRule, *, check: TargetCheck | None
) -> None:
    rule.check()
    with uow:
        uow.receipt_rules.get_set(name).rule(rule.name)
    if check is not None:
        check.check(rule, uow.region)
    with uow:
        rule_set = uow.receipt_rules.get_set(name, for_update=True)
        rule_set.replace(rule)
        uow.receipt_rules.save_rules(rule_set)
        uow.commit()


def delete_rule(uow: UnitOfWork, name: str, rule_name: str) -> None:
    with uow:
        rule_set = uow.receipt_rules.get_set(name, for_update=True)
        rule_set.remove(rule_name)
        uow.receipt_rules.save_rules(rule_set)
        uow.commit()


def set_position(uow: UnitOfWork, name: str, rule_name: str, *, after: str | None) -> None:
    with uow:
        rule_set = uow.receipt_rules.get_set(name, for_update=True)
        rule_set.move(rule_name, after=after)
        uow.receipt_rules.save_rules(rule_set)
        uow.commit()


def create_filter(uow: UnitOfWork, receipt_filter: ReceiptFilter) -> None:
    receipt_filter.check()
    with uow:
        if len(uow.receipt_rules.filters()) >= MAX_FILTERS:
            raise LimitExceeded(f"Maximum number of filters ({MAX_FILTERS}) reached.")
        uow.receipt_rules.add_filter(receipt_filter)
        uow.commit()


def delete_filter(uow: UnitOfWork, name: str) -> None:
    with uow:
        uow.receipt_rules.remove_filter(name)
        uow.commit()


def list_filters(uow: UnitOfWork) -> list[ReceiptFilter]:
    with uow:
        return uow.receipt_rules.filters()

"""The email-receiving repository: the only code that reads or writes receipt rule sets (with
their rules) and receipt IP filters."""

from __future__ import annotations

import builtins
import datetime
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Row, delete, func, insert, select, update

from openses.domain.errors import (
    ReceiptFilterAlreadyExists,
    RuleSetAlreadyExists,
    RuleSetNotFound,
)
from openses.domain.receipt_rule import ReceiptAction, ReceiptFilter, ReceiptRule, ReceiptRuleSet
from openses.store.repository import AccountRegionRepository
from openses.store.tables import receipt_filters, receipt_rule_sets, received_messages

Document = dict[str, Any]


class ReceiptRuleRepository(AccountRegionRepository):
    def _sets_scope(self) -> Any:
        return self._owned(receipt_rule_sets)

    def _filters_scope(self) -> Any:
        return self._owned(receipt_filters)

    # -- rule sets ---------------------------------------------------------------------------

    def add_set(self, rule_set: ReceiptRuleSet) -> None:
        values = {
            "created_at": rule_set.created_at,
            "active": False,
            "rules": [rule_document(rule) for rule in rule_set.rules],
        }
        self._insert_named(receipt_rule_sets, rule_set.name, values, RuleSetAlreadyExists)

    def get_set(self, name: str, *, for_update: bool = False) -> ReceiptRuleSet:
        row = self._get_named(receipt_rule_sets, name, RuleSetNotFound, for_update=for_update)
        return _rule_set(row)

    def save_rules(self, rule_set: ReceiptRuleSet) -> None:
        rules = [rule_document(rule) for rule in rule_set.rules]
        if not self._update_named(receipt_rule_sets, rule_set.name, {"rules": rules}):
            raise RuleSetNotFound(rule_set.name)

    def remove_set(self, name: str) -> bool:
        result = self._connection.execute(
            delete(receipt_rule_sets).where(self._sets_scope(), receipt_rule_sets.c.name == name)
        )
        return bool(result.rowcount)

    def is_active(self, name: str) -> bool:
        row = self._connection.execute(
            select(receipt_rule_sets.c.active).where(
                self._sets_scope(), receipt_rule_sets.c.name == name
            )
        ).first()
        return bool(row is not None and row.active)

    def count_sets(self) -> int:
        found = self._connection.execute(
            select(func.count()).select_from(receipt_rule_sets).where(self._sets_scope())
        ).scalar_one()
        return int(found)

    def list(self, *, after: str | None, limit: int) -> list[ReceiptRuleSet]:
        """Rule sets in name order, without their rules."""
        query = select(receipt_rule_sets.c.name, receipt_rule_sets.c.created_at).where(
            self._sets_scope()
        )
        if after is not None:
            query = query.where(receipt_rule_sets.c.name > after)
        rows = self._connection.execute(query.order_by(receipt_rule_sets.c.name).limit(limit))
        return [ReceiptRuleSet(name=row.name, created_at=row.created_at) for row in rows]

    def active_set(self) -> ReceiptRuleSet | None:
        row = self._connection.execute(
            select(receipt_rule_sets).where(self._sets_scope(), receipt_rule_sets.c.active)
        ).first()
        return None if row is None else _rule_set(row)

    def set_active(self, name: str | None) -> None:
        """Make ``name`` the active set (RuleSetNotFound if there is none), or no set."""
        if name is not None:
            self.get_set(name)
        self._connection.execute(
            update(receipt_rule_sets)
            .where(self._sets_scope(), receipt_rule_sets.c.active)
            .values(active=False)
        )
        if name is not None:
            self._connection.execute(
                update(receipt_rule_sets)
                .where(self._sets_scope(), receipt_rule_sets.c.name == name)
                .values(active=True)
            )

    # -- IP filters --------------------------------------------------------------------------

    def add_filter(self, receipt_filter: ReceiptFilter) -> None:
        values = {"policy": receipt_filter.policy, "cidr": receipt_filter.cidr}
        self._insert_named(receipt_filters, receipt_filter.name, values, ReceiptFilterAlreadyExists)

    def remove_filter(self, name: str) -> None:
        self._connection.execute(
            delete(receipt_filters).where(self._filters_scope(), receipt_filters.c.name == name)
        )

    def filters(self) -> builtins.list[ReceiptFilter]:
        rows = self._connection.execute(
            select(receipt_filters).where(self._filters_scope()).order_by(receipt_filters.c.name)
        )
        return [ReceiptFilter(name=row.name, policy=row.policy, cidr=row.cidr) for row in rows]

    # -- received messages ------------------------------------------------------------------

    def add_received(self, received: ReceivedMessage) -> None:
        self._connection.execute(
            insert(received_messages).values(
                account_id=self._account_id,
                region=self._region,
                message_id=received.message_id,
                source=received.source,
                destination=list(received.destination),
                headers=[list(pair) for pair in received.headers],
                received_at=received.received_at,
                content=received.content,
                progress=received.progress,
            )
        )

    def run_of(self, message_id: str) -> tuple[bytes, Document] | None:
        """The received mail's content and how far its rules ran (None: not kept, or
        received before runs were kept)."""
        row = self._connection.execute(
            select(received_messages.c.content, received_messages.c.progress).where(
                self._owned(received_messages),
                received_messages.c.message_id == message_id,
            )
        ).first()
        if row is None or row.content is None:
            return None
        return bytes(row.content), dict(row.progress or {})

    def save_progress(self, message_id: str, progress: Document) -> None:
        self._connection.execute(
            update(received_messages)
            .where(
                self._owned(received_messages),
                received_messages.c.message_id == message_id,
            )
            .values(progress=progress)
        )

    def received(self, message_id: str) -> ReceivedMessage | None:
        row = self._connection.execute(
            select(received_messages).where(
                self._owned(received_messages),
                received_messages.c.message_id == message_id,
            )
        ).first()
        if row is None:
            return None
        return ReceivedMessage(
            message_id=row.message_id,
            source=row.source,
            destination=tuple(row.destination),
            headers=tuple((name, value) for name, value in row.headers),
            received_at=row.received_at,
        )


def prune_received(engine: Engine, before: datetime.datetime) -> int:
    """Forget the messages received before ``before`` (the message retention period, as
    for sent messages: delivery/worker.py). Returns how many went."""
    with engine.begin() as connection:
        result = connection.execute(
            delete(received_messages).where(received_messages.c.received_at < before)
        )
    return result.rowcount


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceivedMessage:
    message_id: str
    source: str
    destination: tuple[str, ...]
    headers: tuple[tuple[str, str], ...]
    received_at: datetime.datetime
    content: bytes | None = None  # the mail the rules run on (kept until they are done)
    progress: Document | None = None


def rule_document(rule: ReceiptRule) -> Document:
    """A rule as the v1 wire shape ReceiptRule has it (also what Describe answers)."""
    return {
        "Name": rule.name,
        "Enabled": rule.enabled,
        "TlsPolicy": rule.tls_policy,
        "Recipients": list(rule.recipients),
        "Actions": [{action.kind: dict(action.fields)} for action in rule.actions],
        "ScanEnabled": rule.scan_enabled,
    }


def rule_from_document(document: Document) -> ReceiptRule:
    actions = []
    for item in document.get("Actions") or []:
        for kind, fields in item.items():
            actions.append(ReceiptAction(kind=kind, fields={k: str(v) for k, v in fields.items()}))
    return ReceiptRule(
        name=document["Name"],
        enabled=bool(document.get("Enabled", False)),
        tls_policy=document.get("TlsPolicy") or "Optional",
        recipients=tuple(document.get("Recipients") or ()),
        actions=tuple(actions),
        scan_enabled=bool(document.get("ScanEnabled", False)),
    )


def _rule_set(row: Row[Any]) -> ReceiptRuleSet:
    return ReceiptRuleSet(
        name=row.name,
        created_at=row.created_at,
        rules=[rule_from_document(document) for document in row.rules],
    )

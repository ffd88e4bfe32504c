"""Email receiving's rules: receipt rule sets (an ordered list of rules, one set active per
account and region), receipt rules (recipients, actions, TLS, scanning) and IP address filters.

Names, recipients and limits follow the SES API reference and the quotas page (see
docs/aws-behaviour.md, "Email receiving").
"""

from __future__ import annotations

import datetime
import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from openses.domain.errors import (
    InvalidInput,
    LimitExceeded,
    RuleAlreadyExists,
    RuleNotFound,
)

# The quotas page: per account and region, and per rule.
MAX_RULE_SETS = 40
MAX_RULES_PER_SET = 200
MAX_RECIPIENTS_PER_RULE = 100
MAX_FILTERS = 100

# Letters, digits, _ and -, starting and ending with a letter or digit, 64 at most; a rule's
# name may also hold periods.
_SET_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_-]{0,62}[A-Za-z0-9])?")
_RULE_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9])?")
_DOMAIN_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")

# The members of ReceiptAction, in the order SES documents them; one per action.
ACTION_KINDS = (
    "S3Action",
    "BounceAction",
    "WorkmailAction",
    "LambdaAction",
    "StopAction",
    "AddHeaderAction",
    "SNSAction",
    "ConnectAction",
)
TLS_POLICIES = ("Optional", "Require")


def check_rule_set_name(name: str) -> None:
    if not _SET_NAME.fullmatch(name):
        raise InvalidInput(f"Invalid rule set name: {name}")


def check_rule_name(name: str) -> None:
    if not _RULE_NAME.fullmatch(name):
        raise InvalidInput(f"Invalid rule name: {name}")


def check_filter_name(name: str) -> None:
    if not _SET_NAME.fullmatch(name):
        raise InvalidInput(f"Invalid filter name: {name}")


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiptAction:
    """One action as the wire names it: ``kind`` is the ReceiptAction member (``S3Action``),
    ``fields`` its members (every one a string in the model)."""

    kind: str
    fields: Mapping[str, str]

    def get(self, name: str) -> str | None:
        return self.fields.get(name)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiptRule:
    name: str
    enabled: bool = False
    tls_policy: str = "Optional"
    recipients: tuple[str, ...] = ()
    actions: tuple[ReceiptAction, ...] = ()
    scan_enabled: bool = False

    def check(self) -> None:
        check_rule_name(self.name)
        if self.tls_policy not in TLS_POLICIES:
            raise InvalidInput(f"Invalid TLS policy: {self.tls_policy}")
        if len(self.recipients) > MAX_RECIPIENTS_PER_RULE:
            raise LimitExceeded(f"A rule may have at most {MAX_RECIPIENTS_PER_RULE} recipients.")
        for recipient in self.recipients:
            _check_recipient(recipient)
        for action in self.actions:
            _check_action(action)

    def matches(self, recipient: str) -> bool:
        """A rule without recipients matches every recipient; ``user@example.com`` that
        address; ``example.com`` every address of the domain (not its subdomains);
        ``.example.com`` every address of its subdomains. Case does not matter."""
        if not self.recipients:
            return True
        address = recipient.lower()
        domain = address.rpartition("@")[2]
        for pattern in (r.lower() for r in self.recipients):
            if "@" in pattern:
                if pattern == address:
                    return True
            elif pattern.startswith("."):
                if domain.endswith(pattern):
                    return True
            elif pattern == domain:
                return True
        return False


def _check_recipient(recipient: str) -> None:
    local, at, domain = recipient.rpartition("@")
    if at and not local:
        raise InvalidInput(f"Invalid recipient: {recipient}")
    labels = (domain[1:] if domain.startswith(".") and not at else domain).split(".")
    if not all(_DOMAIN_LABEL.fullmatch(label) for label in labels) or len(domain) > 253:
        raise InvalidInput(f"Invalid recipient: {recipient}")


def _check_action(action: ReceiptAction) -> None:
    if action.kind == "AddHeaderAction":
        name = action.get("HeaderName") or ""
        value = action.get("HeaderValue") or ""
        # ReceiptRule's docs: a header name of letters, digits and dashes, at most 50
        # characters; a value of at most 2,048 characters with no line break.
        if not re.fullmatch(r"[A-Za-z0-9-]{1,50}", name):
            raise InvalidInput(f"Invalid header name: {name}")
        if len(value) > 2048 or "\r" in value or "\n" in value:
            raise InvalidInput(f"Invalid header value: {value}")
    if action.kind == "BounceAction":
        code = action.get("SmtpReplyCode") or ""
        if not re.fullmatch(r"5\d\d", code):
            raise InvalidInput(f"Invalid SMTP reply code: {code}")
        status = action.get("StatusCode")
        if status is not None and not re.fullmatch(r"5\.\d{1,3}\.\d{1,3}", status):
            raise InvalidInput(f"Invalid SMTP status code: {status}")


@dataclass(slots=True, kw_only=True)
class ReceiptRuleSet:
    name: str
    created_at: datetime.datetime
    rules: list[ReceiptRule] = field(default_factory=list)

    def _index(self, name: str) -> int:
        for index, rule in enumerate(self.rules):
            if rule.name == name:
                return index
        raise RuleNotFound(name)

    def rule(self, name: str) -> ReceiptRule:
        return self.rules[self._index(name)]

    def add(self, rule: ReceiptRule, *, after: str | None) -> None:
        """First in the set without ``after``, else right after that rule."""
        if any(existing.name == rule.name for existing in self.rules):
            raise RuleAlreadyExists(rule.name)
        position = self._index(after) + 1 if after else 0
        if len(self.rules) >= MAX_RULES_PER_SET:
            raise LimitExceeded(f"A rule set may have at most {MAX_RULES_PER_SET} rules.")
        self.rules.insert(position, rule)

    def replace(self, rule: ReceiptRule) -> None:
        self.rules[self._index(rule.name)] = rule

    def remove(self, name: str) -> None:
        """A rule that is not there is no error (the model gives DeleteReceiptRule none)."""
        self.rules = [rule for rule in self.rules if rule.name != name]

    def move(self, name: str, *, after: str | None) -> None:
        """First in the set without ``after``, else right after that rule."""
        rule = self.rule(name)
        if after == name:
            return
        if after:
            self._index(after)
        self.rules.remove(rule)
        self.rules.insert(self._index(after) + 1 if after else 0, rule)

    def reorder(self, names: Sequence[str]) -> None:
        """``names`` must name every rule of the set, each once."""
        by_name = {rule.name: rule for rule in self.rules}
        for name in names:
            if name not in by_name:
                raise RuleNotFound(name)
        if len(set(names)) != len(names) or set(names) != set(by_name):
            raise InvalidInput("All of the rules in the rule set must be given, each once.")
        self.rules = [by_name[name] for name in names]

    def matching(self, recipient: str) -> list[ReceiptRule]:
        return [rule for rule in self.rules if rule.enabled and rule.matches(recipient)]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiptFilter:
    name: str
    policy: str  # Block | Allow
    cidr: str

    def check(self) -> None:
        check_filter_name(self.name)
        try:
            ipaddress.ip_network(self.cidr, strict=False)
        except ValueError:
            raise InvalidInput(f"Invalid CIDR: {self.cidr}") from None

    def covers(self, ip: str) -> bool:
        try:
            return ipaddress.ip_address(ip) in ipaddress.ip_network(self.cidr, strict=False)
        except ValueError:
            return False


def blocked(ip: str, filters: Sequence[ReceiptFilter]) -> bool:
    """Whether mail from ``ip`` is refused: it is in a Block filter and in no Allow filter.
    SES's guide: block 0.0.0.0/0 and allow the trusted addresses to take mail from those
    alone, so an Allow filter wins over a Block filter."""
    if any(f.policy == "Allow" and f.covers(ip) for f in filters):
        return False
    return any(f.policy == "Block" and f.covers(ip) for f in filters)

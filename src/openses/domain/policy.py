"""IAM policy documents: identity-based ones as attached to access keys, and resource-based
ones (with a Principal) as attached to email identities for sending authorization. Their JSON
shape, checked as IAM checks it (IAM User Guide, "IAM JSON policy elements reference"), and
their evaluation for one action on one resource (Action/NotAction, Resource/NotResource with
``*`` and ``?`` wildcards, Principal, Condition through ``domain/conditions.py``; an explicit
Deny wins)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from openses.domain import conditions
from openses.domain.conditions import Context, MalformedCondition

VERSIONS = ("2012-10-17", "2008-10-17")
EFFECTS = ("Allow", "Deny")
NAME = re.compile(r"[\w+=,.@-]{1,128}")
_ELEMENTS = {
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
}
# a resource-based policy names who it grants to
_RESOURCE_ELEMENTS = _ELEMENTS | {"Principal"}


class MalformedPolicy(ValueError):
    """A document IAM refuses (MalformedPolicyDocument); the message says which rule."""


def check_document(text: str, *, resource_based: bool = False) -> str:
    """``text`` unchanged when it is an identity policy IAM would take (``resource_based``: a
    policy with a Principal, as SES takes for an email identity)."""
    try:
        document = json.loads(text)
    except ValueError:
        raise MalformedPolicy("Syntax errors in policy.") from None
    if not isinstance(document, dict):
        raise MalformedPolicy("Syntax errors in policy.")
    unknown = set(document) - {"Version", "Id", "Statement"}
    if unknown:
        raise MalformedPolicy(f"Policy document has an unknown field: {sorted(unknown)[0]}.")
    if document.get("Version", VERSIONS[1]) not in VERSIONS:
        raise MalformedPolicy("The policy failed legacy parsing")
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise MalformedPolicy("Policy document must have a Statement.")
    for statement in statements:
        _check_statement(statement, resource_based)
    return text


def _check_statement(statement: object, resource_based: bool) -> None:
    if not isinstance(statement, dict):
        raise MalformedPolicy("Syntax errors in policy.")
    if resource_based:
        _check_principal(statement.get("Principal"))
    elif "Principal" in statement or "NotPrincipal" in statement:
        raise MalformedPolicy("Policy document should not specify a principal.")
    unknown = set(statement) - (_RESOURCE_ELEMENTS if resource_based else _ELEMENTS)
    if unknown:
        raise MalformedPolicy(f"Statement has an unknown field: {sorted(unknown)[0]}.")
    if statement.get("Effect") not in EFFECTS:
        raise MalformedPolicy("Policy statement must contain an Effect of Allow or Deny.")
    if ("Action" in statement) == ("NotAction" in statement):
        raise MalformedPolicy("Policy statement must contain exactly one of Action, NotAction.")
    if ("Resource" in statement) == ("NotResource" in statement):
        raise MalformedPolicy("Policy statement must contain exactly one of Resource, NotResource.")
    for element in ("Action", "NotAction", "Resource", "NotResource"):
        if element in statement and not _strings(statement[element]):
            raise MalformedPolicy(f"{element} must be a string or a list of strings.")
    for action in _as_list(statement.get("Action", statement.get("NotAction"))):
        if action != "*" and ":" not in action:
            raise MalformedPolicy(
                f"Actions/Conditions must be prefaced by a vendor, e.g., iam, "
                f"sdb, ec2, etc. ({action})"
            )
    if "Sid" in statement and not isinstance(statement["Sid"], str):
        raise MalformedPolicy("Statement IDs (SID) must be strings.")
    if "Condition" in statement:
        try:
            conditions.check(statement["Condition"])
        except MalformedCondition as exc:
            raise MalformedPolicy(str(exc)) from None


def _check_principal(principal: object) -> None:
    """``"*"`` or ``{"AWS": account id, ARN or "*", or a list of them}`` (``Service`` too)."""
    if principal == "*":
        return
    if not isinstance(principal, dict) or not principal:
        raise MalformedPolicy("Policy statement must contain a Principal.")
    for kind, names in principal.items():
        if kind not in ("AWS", "Service") or not _strings(names):
            raise MalformedPolicy(f"Invalid principal in policy: {json.dumps(principal)}")


def _strings(value: object) -> bool:
    if isinstance(value, str):
        return bool(value)
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, str) and item for item in value)
    )


def _as_list(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


@dataclass(frozen=True, slots=True)
class Statement:
    effect: str
    actions: tuple[str, ...]  # of Action, or of NotAction when ``not_action``
    not_action: bool
    resources: tuple[str, ...]  # of Resource, or of NotResource when ``not_resource``
    not_resource: bool
    condition: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    # of a resource-based policy: AWS principals (account ids, ARNs, "*"); None: identity-based
    principals: tuple[str, ...] | None = None

    def matches(
        self, action: str, resource: str, context: Context, principals: tuple[str, ...] = ()
    ) -> bool:
        action_hit = any(_glob(p, action, ignore_case=True) for p in self.actions)
        resource_hit = any(_glob(p, resource, ignore_case=False) for p in self.resources)
        return (
            action_hit != self.not_action
            and resource_hit != self.not_resource
            and (self.principals is None or _names_principal(self.principals, principals))
            and conditions.matches(self.condition, context)
        )


def _names_principal(granted: tuple[str, ...], caller: tuple[str, ...]) -> bool:
    """An account id or its root ARN grants every principal of that account; another ARN
    grants that principal (``caller``: its ARN first, then its account's root ARN)."""
    wanted = set(caller)
    for name in granted:
        if name == "*":
            return True
        if name.isdigit():
            name = f"arn:aws:iam::{name}:root"
        if name in wanted:
            return True
    return False


def statements(text: str, *, resource_based: bool = False) -> tuple[Statement, ...]:
    """The statements of a document ``check_document`` took."""
    document = json.loads(check_document(text, resource_based=resource_based))
    items = document["Statement"]
    result = []
    for item in [items] if isinstance(items, dict) else items:
        not_action = "NotAction" in item
        not_resource = "NotResource" in item
        result.append(
            Statement(
                effect=item["Effect"],
                actions=tuple(_as_list(item["NotAction" if not_action else "Action"])),
                not_action=not_action,
                resources=tuple(_as_list(item["NotResource" if not_resource else "Resource"])),
                not_resource=not_resource,
                condition=item.get("Condition", {}),
                principals=_principals(item["Principal"]) if resource_based else None,
            )
        )
    return tuple(result)


def _principals(principal: object) -> tuple[str, ...]:
    if principal == "*":
        return ("*",)
    assert isinstance(principal, dict)
    return tuple(_as_list(principal.get("AWS")))


def allows(
    policies: tuple[Statement, ...],
    action: str,
    resource: str,
    context: Context | None = None,
    principals: tuple[str, ...] = (),
) -> bool:
    """IAM's evaluation: an explicit Deny wins, else an Allow is needed. A statement applies
    when its Condition holds in ``context`` (the request's condition keys); ``principals``
    (the caller's ARNs) are matched against a resource-based policy's Principal."""
    found = context or {}
    matching = [s for s in policies if s.matches(action, resource, found, principals)]
    if any(s.effect == "Deny" for s in matching):
        return False
    return any(s.effect == "Allow" for s in matching)


def _glob(pattern: str, text: str, *, ignore_case: bool) -> bool:
    return conditions.glob(pattern, text, ignore_case=ignore_case)


def resources_of(statement: Mapping[str, object]) -> list[str]:
    """The Resource (or NotResource) values of a checked statement."""
    return _as_list(statement.get("Resource", statement.get("NotResource")))


def mentions(policies: tuple[Statement, ...], key_prefix: str) -> bool:
    """Whether a Condition of ``policies`` reads a key starting with ``key_prefix`` (lower
    case): the caller builds costly keys (``aws:ResourceTag/``) only for such policies."""
    return any(
        key.lower().startswith(key_prefix)
        for statement in policies
        for keys in statement.condition.values()
        for key in keys
    )

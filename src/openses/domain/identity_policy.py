"""Sending authorization policies (issue 18): resource-based IAM policies attached to an email
identity, and SES's rules for them (DG ``policy-anatomy.md``, ``sending-authorization.md``;
PutIdentityPolicy's parameter reference): the policy name, the 4 KB document, 20 policies an
identity, a Principal in every statement, a Resource naming the identity."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from openses.domain import conditions, policy
from openses.domain.errors import IdentityNotFound, InvalidIdentityArn, InvalidPolicy

NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_POLICIES = 20
MAX_DOCUMENT_BYTES = 4 * 1024
# an identity's ARN (PutIdentityPolicy takes a name or an ARN; sends name another account's)
_PARTS = re.compile(
    r"arn:aws[\w-]*:ses:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):identity/(?P<name>[^/\s]+)"
)


def identity_name(identity: str, account_id: str, region: str) -> str:
    """The name of a v1 ``Identity`` (a name, or the ARN of one of the caller's identities);
    the ARN of another account's or region's identity raises IdentityNotFound (decision)."""
    found = _PARTS.fullmatch(identity)
    if found is None:
        return identity
    if (found["account"], found["region"]) != (account_id, region):
        raise IdentityNotFound(identity)
    return found["name"]


def check_name(name: str) -> str:
    if NAME.fullmatch(name) is None:
        # GUESS wording; the rule is the API reference's (alphanumerics, dashes, underscores).
        raise InvalidPolicy(
            f"Invalid policy name {name}: the name can only include alphanumeric characters, "
            "dashes, and underscores, and can be at most 64 characters long."
        )
    return name


def check_document(text: str, identity_arn: str) -> str:
    """``text`` unchanged when SES takes it as a policy of the identity ``identity_arn``."""
    if len(text.encode()) > MAX_DOCUMENT_BYTES:
        raise InvalidPolicy("Policy exceeds the maximum size of 4 KB.")
    try:
        policy.check_document(text, resource_based=True)
    except policy.MalformedPolicy as exc:
        raise InvalidPolicy(f"Policy is not valid: {exc}") from None
    items = json.loads(text)["Statement"]
    for item in [items] if isinstance(items, dict) else items:
        for resource in policy.resources_of(item):
            if not conditions.glob(resource, identity_arn):
                raise InvalidPolicy(f"Policy has invalid resource: {resource}")
    return text


@dataclass(frozen=True, slots=True)
class IdentityArn:
    region: str
    account_id: str
    name: str

    def __str__(self) -> str:
        return f"arn:aws:ses:{self.region}:{self.account_id}:identity/{self.name}"


def parse_identity_arn(text: str) -> IdentityArn:
    """The parts of a send's SourceArn / FromArn / FromEmailAddressIdentityArn."""
    found = _PARTS.fullmatch(text.strip())
    if found is None:
        # GUESS wording (docs/aws-behaviour.md, "Sending authorization").
        raise InvalidIdentityArn(f"Invalid identity ARN: {text}")
    return IdentityArn(found["region"], found["account"], found["name"])

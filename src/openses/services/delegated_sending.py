"""Sending authorization at send time (issue 18): a send that names another account's
identity (SourceArn, FromArn, FromEmailAddressIdentityArn, or the raw message's X-SES-SOURCE-ARN
/ X-SES-FROM-ARN) goes out when that identity is verified, covers the sender's address, and its
policies allow the sender's principal the send's action (DG ``sending-authorization-*.md``).
The send stays the sender's: its quota, configuration set and events (docs/aws-behaviour.md)."""

from __future__ import annotations

from dataclasses import dataclass

from openses.domain import identity as identity_rules
from openses.domain.conditions import Context
from openses.domain.errors import IdentityNotFound, MessageRejected, SendingNotAuthorized
from openses.domain.identity import EmailIdentity, IdentityKind
from openses.domain.identity_policy import IdentityArn, parse_identity_arn
from openses.services import condition_keys, identity_policies
from openses.store.identities import IdentityRepository
from openses.store.identity_policies import IdentityPolicyRepository
from openses.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True, kw_only=True)
class Delegate:
    """Who sends: the principal's ARN, the IAM action, the request's condition keys."""

    principal: str
    action: str
    conditions: Context


def delegated_identity(
    uow: UnitOfWork, arn_text: str, address: str, sender: Delegate
) -> EmailIdentity | None:
    """The other account's identity the send may use; None when the ARN names one of the
    sender's own account (the ordinary checks apply). Raises MessageRejected when the identity
    is missing, unverified or does not cover ``address``, SendingNotAuthorized when its
    policies do not allow the send."""
    arn = parse_identity_arn(arn_text)
    if arn.account_id == uow.account_id and arn.region == uow.region:
        return None
    identity = uow.of_account(IdentityRepository, arn.account_id, arn.region).find(arn.name)
    if identity is None or not identity.verified or not _covers(identity, address):
        raise MessageRejected(
            "Email address is not verified. The following identities failed the check in "
            f"region {uow.region.upper()}: {address}"
        )
    _authorize(uow, arn, identity, sender)
    return identity


def _covers(identity: EmailIdentity, address: str) -> bool:
    if identity.kind is IdentityKind.EMAIL_ADDRESS:
        return identity_rules.same_address(identity.name, address)
    _, domains = identity_rules.sending_candidates(address)
    return identity.name.lower() in domains


def _authorize(
    uow: UnitOfWork, arn: IdentityArn, identity: EmailIdentity, sender: Delegate
) -> None:
    action = f"ses:{sender.action}"
    repository = uow.of_account(IdentityPolicyRepository, arn.account_id, arn.region)
    try:
        documents = repository.of(arn.name).values()
    except IdentityNotFound:  # pragma: no cover - found a moment ago in this transaction
        documents = {}.values()
    principals = (sender.principal, f"arn:aws:iam::{uow.account_id}:root")
    context = {**sender.conditions, **condition_keys.resource_tags(identity.tags)}
    if not identity_policies.allows_send(documents, action, str(arn), principals, context):
        raise SendingNotAuthorized(sender.principal, action, str(arn))

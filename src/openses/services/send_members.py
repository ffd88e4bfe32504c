"""What an SES v2 send names besides its message (issue 20): the identity ARNs of sending
authorization, a template named by ARN, and a multi-region endpoint. Each is honoured or
refused with AWS's error, never dropped (tests/api/test_send_members.py walks the model)."""

from __future__ import annotations

from openses.domain.errors import InvalidInput, NotFound, TemplateNotFound
from openses.domain.mailbox import address_of
from openses.services import stored_features
from openses.store.unit_of_work import UnitOfWork

# An endpoint look-up reads at most this many of the account's endpoints (few exist).
_MAX_ENDPOINTS = 1000


def _resource(uow: UnitOfWork, arn: str, kind: str) -> str:
    """The name in ``arn:aws:ses:REGION:ACCOUNT:KIND/NAME``, of the caller's account and
    region: openses sends on behalf of no other account (no cross-account sending
    authorization)."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "ses":
        raise InvalidInput(f"{arn} is not a valid Amazon SES ARN.")
    resource_kind, _, name = parts[5].partition("/")
    if resource_kind != kind or not name:
        raise InvalidInput(f"{arn} is not the ARN of an Amazon SES {kind}.")
    if (parts[3], parts[4]) != (uow.region, uow.account_id):
        raise InvalidInput(
            f"{arn} belongs to another account or region: openses does not send on its behalf."
        )
    return name


def check_identity_arn(uow: UnitOfWork, arn: str, address: str) -> None:
    """FromEmailAddressIdentityArn, FeedbackForwardingEmailAddressIdentityArn: the identity
    must exist and be the address or its domain (an address not given, as a raw message's
    From read later, is not compared). v1 SourceArn, FromArn, ReturnPathArn alike."""
    name = _resource(uow, arn, "identity")
    bare = (address_of(address) or address).lower()
    if bare and name.lower() not in (bare, bare.rpartition("@")[2]):
        raise InvalidInput(f"The identity {name} of {arn} does not cover {address}.")
    with uow:
        if uow.identities.find(name) is None:
            raise NotFound(f"Email identity {name} does not exist.")


def template_name(uow: UnitOfWork, arn: str, name: str | None = None) -> str:
    """Template.TemplateArn (v1 TemplateArn): the template it names, of the caller's account
    and region; with ``name`` given too, both must name the same template."""
    try:
        named = _resource(uow, arn, "template")
    except InvalidInput:
        raise TemplateNotFound(arn) from None
    if name is not None and name != named:
        raise InvalidInput(f"The template name {name} and TemplateArn {arn} differ.")
    return named


def check_endpoint(uow: UnitOfWork, endpoint_id: str) -> None:
    """EndpointId: a multi-region endpoint of the account. The send goes out from the
    primary region (the caller's), as through the endpoint while both regions are healthy."""
    with uow:
        found = uow.documents.ordered(
            stored_features.MULTI_REGION_ENDPOINT, after=None, limit=_MAX_ENDPOINTS
        )
    if not any(d.document.get("EndpointId") == endpoint_id for d in found):
        raise NotFound(f"Multi-region endpoint {endpoint_id} does not exist.")

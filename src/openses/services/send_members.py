"""What an SES v2 send names besides its message (issue 20): the identity ARNs of sending
authorization, a template named by ARN, and a multi-region endpoint. Each is honoured or
refused with AWS's error, never dropped (tests/api/test_send_members.py walks the model).
Another account's identity ARN is sending authorization's to judge (services/sending.py and
the identity's policies, issue 18)."""

from __future__ import annotations

from openses.domain.errors import InvalidInput, NotFound, TemplateNotFound
from openses.domain.mailbox import address_of
from openses.services import stored_features
from openses.store.unit_of_work import UnitOfWork

# An endpoint look-up reads at most this many of the account's endpoints (few exist).
_MAX_ENDPOINTS = 1000


def _parts(arn: str, kind: str) -> tuple[str, str, str]:
    """(region, account, name) of ``arn:aws:ses:REGION:ACCOUNT:KIND/NAME``."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "ses":
        raise InvalidInput(f"{arn} is not a valid Amazon SES ARN.")
    resource_kind, _, name = parts[5].partition("/")
    if resource_kind != kind or not name:
        raise InvalidInput(f"{arn} is not the ARN of an Amazon SES {kind}.")
    return parts[3], parts[4], name


def _resource(uow: UnitOfWork, arn: str, kind: str) -> str:
    """The name in ``arn``, which must be of the caller's account and region."""
    region, account, name = _parts(arn, kind)
    if (region, account) != (uow.region, uow.account_id):
        raise InvalidInput(f"{arn} belongs to another account or region.")
    return name


def check_identity_arn(
    uow: UnitOfWork, arn: str, address: str, *, authorized_elsewhere: bool = False
) -> None:
    """FromEmailAddressIdentityArn, FeedbackForwardingEmailAddressIdentityArn: the identity
    must exist and be the address or its domain (an address not given, as a raw message's
    From read later, is not compared). v1 SourceArn, FromArn, ReturnPathArn alike. With
    ``authorized_elsewhere`` (the sender's identity ARN), another account's identity is left to
    sending authorization (its policies); any other member must name the caller's own."""
    region, account, name = _parts(arn, "identity")
    if authorized_elsewhere and (region, account) != (uow.region, uow.account_id):
        return
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

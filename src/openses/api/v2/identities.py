"""SES v2 email-identity operations (``/v2/email/identities``)."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from openses.api import verification_emails
from openses.api.context import RequestContext
from openses.api.identities import new_identity
from openses.api.registry import Output, Wire, operation
from openses.api.v2 import identity_signing as signing
from openses.api.v2 import shapes
from openses.domain.errors import InvalidInput
from openses.domain.identity import IdentityKind, VerificationStatus
from openses.protocol.models import V2
from openses.services import identities as service
from openses.services import identity_signing, paging

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
E = TypeVar("E", bound=StrEnum)


# A domain gets a new RSA key (issue 15): kept off the event loop like a call out.
@operation(V2, "CreateEmailIdentity", calls_out=True)
def create_email_identity(
    context: RequestContext,
    *,
    email_identity: str,
    tags: list[Wire] | None = None,
    dkim_signing_attributes: Wire | None = None,
    configuration_set_name: str | None = None,
) -> Output:
    identity = new_identity(
        context,
        email_identity,
        configuration_set_name=configuration_set_name,
        tags=shapes.tags(tags or []),
    )
    created = signing.creation_key(context, email_identity, dkim_signing_attributes)  # issue 15
    signing_key = None
    if created is not None:
        origin, signing_key = created
        identity_signing.start_dkim(identity, signing_key, origin, verified=identity.verified)
    service.create(
        context.writing(),
        identity,
        signing_key=signing_key,
        limit=context.settings.max_identities,
    )
    verification_emails.mail_if_pending(context, identity)  # issue 20
    output: Output = {
        "IdentityType": identity.kind,
        "VerifiedForSendingStatus": identity.verified,
    }
    # A recorded AWS answer for an address carries no DkimAttributes (getmoto/moto#9771).
    if identity.kind is IdentityKind.DOMAIN:
        output["DkimAttributes"] = signing.dkim_attributes(context, identity)
    return output


@operation(V2, "GetEmailIdentity")
def get_email_identity(context: RequestContext, *, email_identity: str) -> Output:
    identity = service.get(context.reading(), email_identity)
    return {
        "IdentityType": identity.kind,
        "FeedbackForwardingStatus": identity.feedback.forwarding_enabled,
        "VerifiedForSendingStatus": identity.verified,
        "DkimAttributes": signing.dkim_attributes(context, identity),
        "MailFromAttributes": signing.mail_from_attributes(identity),
        "Policies": {},
        "Tags": shapes.tags_wire(identity.tags),
        "ConfigurationSetName": identity.configuration_set_name,
        "VerificationStatus": identity.verification_status,
        "VerificationInfo": {},
    }


@operation(V2, "ListEmailIdentities")
def list_email_identities(
    context: RequestContext,
    *,
    filter: dict[str, str] | None = None,
    next_token: str | None = None,
    page_size: int | None = None,
) -> Output:
    size = paging.page_size(page_size, default=DEFAULT_PAGE_SIZE, maximum=MAX_PAGE_SIZE)
    wanted = filter or {}
    kind = wanted.get("IDENTITY_TYPE")
    status = wanted.get("VERIFICATION_STATUS")
    page = service.list_page(
        context.reading(),
        next_token=next_token,
        page_size=size,
        kind=_filter_value(IdentityKind, "IDENTITY_TYPE", kind),
        status=_filter_value(VerificationStatus, "VERIFICATION_STATUS", status),
        name_contains=wanted.get("IDENTITY_NAME_CONTAINS"),
    )
    return {
        "EmailIdentities": [
            {
                "IdentityType": identity.kind,
                "IdentityName": identity.name,
                "SendingEnabled": identity.verified,
                "VerificationStatus": identity.verification_status,
            }
            for identity in page.items
        ],
        "NextToken": page.next_token,
    }


def _filter_value(enum: type[E], key: str, value: str | None) -> E | None:
    if value is None:
        return None
    if value not in enum.__members__:
        raise InvalidInput(f"Invalid value {value} for filter {key}.")
    return enum(value)


@operation(V2, "DeleteEmailIdentity")
def delete_email_identity(context: RequestContext, *, email_identity: str) -> Output:
    service.delete(context.writing(), email_identity)
    return {}


@operation(V2, "PutEmailIdentityConfigurationSetAttributes")
def put_email_identity_configuration_set_attributes(
    context: RequestContext, *, email_identity: str, configuration_set_name: str | None = None
) -> Output:
    service.set_configuration_set(context.writing(), email_identity, configuration_set_name)
    return {}

"""SES v2 email-identity operations (``/v2/email/identities``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from openses.api.context import RequestContext
from openses.api.registry import operation
from openses.api.v2 import shapes
from openses.domain.errors import InvalidInput
from openses.domain.identity import EmailIdentity, IdentityKind, VerificationStatus
from openses.protocol.models import V2
from openses.services import identities as service
from openses.services import paging

Output = dict[str, Any]
Wire = dict[str, Any]
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
E = TypeVar("E", bound=StrEnum)


def _new_identity(context: RequestContext, name: str, **fields: Any) -> EmailIdentity:
    verified = context.settings.auto_verify_identities
    return EmailIdentity(
        name=name,
        created_at=context.clock(),
        verification_status=VerificationStatus.SUCCESS if verified else VerificationStatus.PENDING,
        **fields,
    )


def _dkim_attributes(context: RequestContext, identity: EmailIdentity) -> Wire:
    """Easy DKIM: a domain signs with AWS-made 2048-bit keys; an address has no DKIM of its
    own (AWS answers NOT_STARTED with a 1024-bit next key, getmoto/moto#9771)."""
    if identity.kind is IdentityKind.EMAIL_ADDRESS:
        return {
            "SigningEnabled": False,
            "Status": VerificationStatus.NOT_STARTED,
            "SigningAttributesOrigin": "AWS_SES",
            "NextSigningKeyLength": "RSA_1024_BIT",
        }
    return {
        "SigningEnabled": True,
        "Status": identity.verification_status,
        "Tokens": identity.dkim_tokens(context.account_id, context.region),
        "SigningAttributesOrigin": "AWS_SES",
        "NextSigningKeyLength": "RSA_2048_BIT",
        "CurrentSigningKeyLength": "RSA_2048_BIT",
        "LastKeyGenerationTimestamp": identity.created_at,
    }


@operation(V2, "CreateEmailIdentity")
def create_email_identity(
    context: RequestContext,
    *,
    email_identity: str,
    tags: list[Wire] | None = None,
    dkim_signing_attributes: Wire | None = None,
    configuration_set_name: str | None = None,
) -> Output:
    # BYODKIM (DkimSigningAttributes) is accepted but not stored: Easy DKIM always applies.
    identity = _new_identity(
        context,
        email_identity,
        configuration_set_name=configuration_set_name,
        tags=shapes.tags(tags or []),
    )
    service.create(context.writing(), identity)
    output: Output = {
        "IdentityType": identity.kind,
        "VerifiedForSendingStatus": identity.verified,
    }
    # A recorded AWS answer for an address carries no DkimAttributes (getmoto/moto#9771).
    if identity.kind is IdentityKind.DOMAIN:
        output["DkimAttributes"] = _dkim_attributes(context, identity)
    return output


@operation(V2, "GetEmailIdentity")
def get_email_identity(context: RequestContext, *, email_identity: str) -> Output:
    identity = service.get(context.reading(), email_identity)
    return {
        "IdentityType": identity.kind,
        "FeedbackForwardingStatus": identity.feedback.forwarding_enabled,
        "VerifiedForSendingStatus": identity.verified,
        "DkimAttributes": _dkim_attributes(context, identity),
        "MailFromAttributes": {"BehaviorOnMxFailure": "USE_DEFAULT_VALUE"},
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
            for identity in page.identities
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

"""SES v2 S/MIME certificates of email identities (``/v2/email/identity/certificates``),
stored and listed (services/stored_features.py): openses does not sign with S/MIME, so each
certificate reports INACTIVE."""

from __future__ import annotations

from openses.api.context import RequestContext
from openses.api.registry import Output, operation
from openses.api.v2 import shapes
from openses.protocol.models import V2
from openses.services import stored_features as service


@operation(V2, "AssociateEmailIdentityCertificate", stored_only=True)
def associate_email_identity_certificate(
    context: RequestContext,
    *,
    email_identity: str,
    certificate_arn: str,
    from_address: str | None = None,
) -> Output:
    service.associate_certificate(
        context.writing(), email_identity, from_address, certificate_arn, context.clock()
    )
    return {}


@operation(V2, "DisassociateEmailIdentityCertificate", stored_only=True)
def disassociate_email_identity_certificate(
    context: RequestContext, *, email_identity: str, from_address: str | None = None
) -> Output:
    service.disassociate_certificate(context.writing(), email_identity, from_address)
    return {}


@operation(V2, "ListEmailIdentityCertificates", stored_only=True)
def list_email_identity_certificates(
    context: RequestContext,
    *,
    email_identity: str,
    next_token: str | None = None,
    page_size: int | None = None,
) -> Output:
    size = shapes.page_size(page_size)
    page = service.list_certificates(
        context.reading(), email_identity, next_token=next_token, page_size=size
    )
    return {
        "Certificates": [
            {
                "FromAddress": d.document["FromAddress"],
                "Status": "INACTIVE",
                "CertificateArn": d.document["CertificateArn"],
            }
            for d in page.items
        ],
        "NextToken": page.next_token,
    }

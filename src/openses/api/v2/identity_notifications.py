"""SES v2 feedback forwarding (``PUT /v2/email/identities/{EmailIdentity}/feedback``). SES v2
has no identity-notification topics; those are v1 only."""

from __future__ import annotations

from openses.api.context import RequestContext
from openses.api.registry import Output, operation
from openses.protocol.models import V2
from openses.services import identity_notifications as service


@operation(V2, "PutEmailIdentityFeedbackAttributes")
def put_email_identity_feedback_attributes(
    context: RequestContext, *, email_identity: str, email_forwarding_enabled: bool = False
) -> Output:
    """Unlike v1, turning forwarding off needs no topics: SES keeps emailing feedback that has
    no other way out (API reference v2, PutEmailIdentityFeedbackAttributes). An absent
    EmailForwardingEnabled is false, as an absent v1 boolean is (GUESS)."""
    service.set_forwarding(
        context.writing(), email_identity, email_forwarding_enabled, require_topics=False
    )
    return {}

"""SES v2 sending authorization policies of email identities (issue 18)."""

from __future__ import annotations

from openses.api.context import RequestContext
from openses.api.registry import Output, operation
from openses.protocol.models import V2
from openses.services import identity_policies as service


@operation(V2, "CreateEmailIdentityPolicy")
def create_email_identity_policy(
    context: RequestContext, *, email_identity: str, policy_name: str, policy: str
) -> Output:
    service.put(context.writing(), email_identity, policy_name, policy, create_only=True)
    return {}


@operation(V2, "UpdateEmailIdentityPolicy")
def update_email_identity_policy(
    context: RequestContext, *, email_identity: str, policy_name: str, policy: str
) -> Output:
    service.update(context.writing(), email_identity, policy_name, policy)
    return {}


@operation(V2, "GetEmailIdentityPolicies")
def get_email_identity_policies(context: RequestContext, *, email_identity: str) -> Output:
    return {"Policies": service.policies(context.reading(), email_identity)}


@operation(V2, "DeleteEmailIdentityPolicy")
def delete_email_identity_policy(
    context: RequestContext, *, email_identity: str, policy_name: str
) -> Output:
    service.delete(context.writing(), email_identity, policy_name)
    return {}

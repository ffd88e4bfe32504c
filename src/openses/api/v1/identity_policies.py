"""SES v1 sending authorization policies (issue 18). v1 takes an identity's name or ARN, and
Put both adds and replaces (v2 splits it into Create and Update)."""

from __future__ import annotations

from openses.api.context import RequestContext
from openses.api.registry import Output, operation
from openses.domain.identity_policy import check_name, identity_name
from openses.protocol.models import V1
from openses.services import identity_policies as service


def _name(context: RequestContext, identity: str) -> str:
    return identity_name(identity, context.account_id, context.region)


@operation(V1, "PutIdentityPolicy")
def put_identity_policy(
    context: RequestContext, *, identity: str, policy_name: str, policy: str
) -> Output:
    service.put(context.writing(), _name(context, identity), policy_name, policy)
    return {}


@operation(V1, "GetIdentityPolicies")
def get_identity_policies(
    context: RequestContext, *, identity: str, policy_names: list[str]
) -> Output:
    for name in policy_names:
        check_name(name)
    found = service.policies(context.reading(), _name(context, identity), policy_names)
    return {"Policies": found}


@operation(V1, "ListIdentityPolicies")
def list_identity_policies(context: RequestContext, *, identity: str) -> Output:
    return {"PolicyNames": list(service.policies(context.reading(), _name(context, identity)))}


@operation(V1, "DeleteIdentityPolicy")
def delete_identity_policy(context: RequestContext, *, identity: str, policy_name: str) -> Output:
    service.delete(context.writing(), _name(context, identity), policy_name)
    return {}

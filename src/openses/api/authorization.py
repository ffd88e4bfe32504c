"""IAM policy checks of the API (issue 18): the action (``ses:<Operation>``, one name for v1
and v2) and the resources an operation acts on, by the ARN formats of the Service
Authorization Reference; the evaluation is ``domain/policy.py``'s. A key with no policy
attached may do anything in its account."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openses.domain.conditions import Context
from openses.protocol.auth import Caller
from openses.protocol.errors import AccessError
from openses.services.authentication import Authentication

SENDS = frozenset(
    {"SendEmail", "SendRawEmail", "SendTemplatedEmail", "SendBulkTemplatedEmail", "SendBulkEmail"}
)
# a send's identity of another account (sending authorization), in the order looked for
IDENTITY_ARNS = ("FromEmailAddressIdentityArn", "SourceArn", "FromArn")
# input member -> resource type, in the order an operation's resource is looked for
_NAMED = (
    ("ConfigurationSetName", "configuration-set"),
    ("EmailIdentity", "identity"),
    ("Identity", "identity"),
    ("EmailAddress", "identity"),
    ("Domain", "identity"),
    ("TemplateName", "template"),
    ("ContactListName", "contact-list"),
    ("PoolName", "dedicated-ip-pool"),
)


def arn(caller: Caller, kind: str, name: str) -> str:
    return f"arn:aws:ses:{caller.region}:{caller.account_id}:{kind}/{name}"


def resources(operation: str, params: dict[str, Any], caller: Caller) -> list[str]:
    """The ARNs ``operation`` needs permission on; ``["*"]`` for one with no resource."""
    if operation in SENDS:
        sender = params.get("FromEmailAddress") or params.get("Source") or ""
        named = next((params[m] for m in IDENTITY_ARNS if params.get(m)), None)
        found = [
            named or (arn(caller, "identity", sender.rpartition("@")[2].lower()) if sender else "*")
        ]
        if params.get("ConfigurationSetName"):
            found.append(arn(caller, "configuration-set", params["ConfigurationSetName"]))
        return found
    nested = params.get("ConfigurationSet") or params.get("Template") or {}
    for member, kind in _NAMED:
        value = params.get(member) or (nested.get(member) if isinstance(nested, dict) else None)
        if isinstance(value, str) and value:
            # v1 identity-policy calls take an identity's ARN as well as its name
            return [value if value.startswith("arn:") else arn(caller, kind, value)]
    if isinstance(nested, dict) and nested.get("Name"):  # v1 CreateConfigurationSet
        return [arn(caller, "configuration-set", nested["Name"])]
    return ["*"]


def authorize(
    authentication: Authentication,
    caller: Caller,
    operation: str,
    params: dict[str, Any],
    context: Context | None = None,
    resource_tags: Callable[[str], Context] | None = None,
) -> None:
    """Raises AccessDenied (v1) / AccessDeniedException (v2), 403, in AWS's wording
    (ses-reference limits-and-auth.md §6): v1 sends quote with backtick and apostrophe.
    ``context``: the request's condition keys (``services/condition_keys.py``);
    ``resource_tags``: a resource's aws:ResourceTag/ keys, read when the key's policies use
    them."""
    resource_context = None
    if resource_tags is not None:

        def resource_context(resource: str) -> Context:
            return {**(context or {}), **resource_tags(resource)}

    denied = authentication.denied_resource(
        caller, operation, resources(operation, params, caller), context, resource_context
    )
    if denied is None:
        return
    user = authentication.principal(caller)
    action = f"ses:{operation}"
    on = "" if denied == "*" else f" on resource: {denied}"
    plain = f"User: {user} is not authorized to perform: {action}{on}"
    v1 = f"User `{user}' is not authorized to perform `{action}' on resource `{denied}'"
    raise AccessError(
        "AccessDenied", "AccessDeniedException", v1 if operation in SENDS else plain, plain
    )

"""Every operation of both models answers as AWS would, never NotImplemented and never a 5xx:
each is called through boto3 with minimal valid input derived from its input shape (required
members only, each the smallest value its shape allows), on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from openses.api.registry import Handlers
from openses.protocol.models import V1, V2, service_model
from tests.api.model_inputs import minimal
from tests.support import LiveServer, fresh_account

# Operations another engineer builds in parallel, by (service, operation) -> why it is skipped.
# The lead removes an entry once its branch is merged (scripts/operations_table.py reads this
# list too, for the README's "owned elsewhere" rows).
_REP = "branch rep: statistics, metric data and VDM attributes"
_POLICIES = "branch auth: identity policies (v2 EmailIdentityPolicy, and the same policies in v1)"
OWNED_ELSEWHERE: dict[tuple[str, str], str] = {
    **{
        (V2, name): _REP
        for name in ("BatchGetMetricData", "GetDomainStatisticsReport", "PutAccountVdmAttributes")
    },
    (V2, "PutAccountDetails"): "branch quota: the sandbox and production access",
    **{
        (V2, name): _POLICIES
        for name in (
            "CreateEmailIdentityPolicy",
            "DeleteEmailIdentityPolicy",
            "GetEmailIdentityPolicies",
            "UpdateEmailIdentityPolicy",
        )
    },
    **{
        (V1, name): _POLICIES
        for name in (
            "PutIdentityPolicy",
            "DeleteIdentityPolicy",
            "GetIdentityPolicies",
            "ListIdentityPolicies",
        )
    },
}

HANDLERS = Handlers.discover()
OPERATIONS = [
    (service, name) for service in (V1, V2) for name in service_model(service).operation_names
]


def test_the_owned_list_names_real_unimplemented_operations() -> None:
    """Each skip names an operation of the model that has no handler yet: once its branch is
    merged the entry must go, or the operation would never be called here."""
    for service, name in OWNED_ELSEWHERE:
        assert name in service_model(service).operation_names, (service, name)
        assert HANDLERS.handler_for(service, name) is None, f"{service}:{name} is implemented"


def test_every_other_operation_has_a_handler() -> None:
    missing = [
        (service, name)
        for service, name in OPERATIONS
        if HANDLERS.handler_for(service, name) is None and (service, name) not in OWNED_ELSEWHERE
    ]
    assert missing == []


@pytest.mark.parametrize(("service", "name"), OPERATIONS, ids=[f"{s}:{n}" for s, n in OPERATIONS])
def test_operation_answers_with_minimal_input(server: LiveServer, service: str, name: str) -> None:
    if (service, name) in OWNED_ELSEWHERE:
        pytest.skip(OWNED_ELSEWHERE[(service, name)])
    operation = service_model(service).operation_model(name)
    params = minimal(operation.input_shape) if operation.input_shape is not None else {}
    client = server.client(service, access_key=fresh_account())
    code, status = _call(getattr(client, xform_name(name)), params)
    assert code != "NotImplemented"
    assert status < 500, code
    assert code is None or code in _error_codes(service, name), code


def _call(method: Any, params: dict[str, Any]) -> tuple[str | None, int]:
    """(error code or None, HTTP status) of one call."""
    try:
        response = method(**params)
    except ClientError as error:
        return error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]
    return None, response["ResponseMetadata"]["HTTPStatusCode"]


def _error_codes(service: str, name: str) -> set[str]:
    """The codes an operation may answer: its model's errors, and the protocol's common ones
    (a v1 Query call's InvalidParameterValue and friends)."""
    operation = service_model(service).operation_model(name)
    codes = {
        shape.metadata.get("error", {}).get("code", shape.name) if service == V1 else shape.name
        for shape in operation.error_shapes
    }
    return codes | {"InvalidParameterValue", "ValidationError", "MessageRejected"}

"""v2 routing: every operation's path and method as botocore sends them, plus the legacy routes."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import pytest

from openses.protocol import rest_json
from openses.protocol.models import V2, service_model
from openses.protocol.routing import Router
from tests.protocol.wire import client_request

MODEL = service_model(V2)
ROUTER = Router(MODEL)


def _labels(operation: Any) -> dict[str, str]:
    """A value per URI label; ``a/b c`` checks percent-decoding and slashes inside a label."""
    members = operation.input_shape.members
    return {
        name: "a/b c"
        for name, member in members.items()
        if member.serialization.get("location") == "uri"
    }


@pytest.mark.parametrize("name", sorted(MODEL.operation_names))
def test_every_operation_routes_to_itself(name: str) -> None:
    operation = MODEL.operation_model(name)
    params = _labels(operation)  # botocore needs nothing else to build the request
    request = client_request(operation, params)

    found = ROUTER.match(request.method, request.path)

    assert found is not None
    assert found.operation.name == name
    labels = {
        operation.input_shape.members[name].serialization.get("name", name): value
        for name, value in params.items()
    }
    assert found.uri_params == labels


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    [
        # literal segments beat labels in the same position
        ("POST", "/v2/email/tenants/resources", "CreateTenantResourceAssociation"),
        ("POST", "/v2/email/tenants/resources/delete", "DeleteTenantResourceAssociation"),
        ("POST", "/v2/email/contact-lists/list/contacts/list", "ListContacts"),
        ("POST", "/v2/email/contact-lists/list/contacts", "CreateContact"),
        ("GET", "/v2/email/deliverability-dashboard", "GetDeliverabilityDashboardOptions"),
        ("GET", "/v2/email/deliverability-dashboard/test-reports", "ListDeliverabilityTestReports"),
        (
            "GET",
            "/v2/email/deliverability-dashboard/test-reports/r1",
            "GetDeliverabilityTestReport",
        ),
        ("GET", "/v2/email/dedicated-ips", "GetDedicatedIps"),
        ("GET", "/v2/email/dedicated-ips/1.2.3.4", "GetDedicatedIp"),
        ("PUT", "/v2/email/dedicated-ips/1.2.3.4/pool", "PutDedicatedIpInPool"),
        ("PUT", "/v2/email/identities/example.com/dkim", "PutEmailIdentityDkimAttributes"),
        (
            "PUT",
            "/v2/email/identities/example.com/dkim/signing",
            "PutEmailIdentityDkimSigningAttributes",
        ),
        ("PUT", "/v2/email/identities/dkim/dkim", "PutEmailIdentityDkimAttributes"),
        # a trailing slash is optional either way
        ("POST", "/v2/email/email-address-insights/", "GetEmailAddressInsights"),
        ("POST", "/v2/email/email-address-insights", "GetEmailAddressInsights"),
        ("GET", "/v2/email/insights/m-1/", "GetMessageInsights"),
        ("GET", "/v2/email/insights/m-1", "GetMessageInsights"),
        ("GET", "/v2/email/configuration-sets/cs-1/", "GetConfigurationSet"),
    ],
)
def test_route(method: str, path: str, operation: str) -> None:
    found = ROUTER.match(method, path)

    assert found is not None
    assert found.operation.name == operation


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v2/email/nothing-here"),
        ("PATCH", "/v2/email/configuration-sets/cs-1"),
        ("GET", "/v2/email/configuration-sets/cs-1/unknown"),
        ("GET", "/v2/email/configuration-sets//event-destinations"),
        ("GET", "/"),
    ],
)
def test_no_route(method: str, path: str) -> None:
    assert ROUTER.match(method, path) is None


def test_label_is_percent_decoded() -> None:
    found = ROUTER.match("GET", "/v2/email/configuration-sets/a%2Fb%20c%25")

    assert found is not None
    assert found.uri_params == {"ConfigurationSetName": "a/b c%"}


@pytest.mark.parametrize(
    ("operation", "path"),
    [
        ("ListConfigurationSets", "/v2/email/configuration-sets"),
        ("ListEmailIdentities", "/v2/email/identities"),
    ],
)
def test_legacy_get_list_routes(operation: str, path: str) -> None:
    found = ROUTER.match("GET", path)
    assert found is not None
    assert found.operation.name == operation

    params = rest_json.parse_request(
        found.operation,
        found.uri_params,
        parse_qs("NextToken=abc%2B%2F%3D&PageSize=25", keep_blank_values=True),
        {},
        b"",
        found.query_members,
    )

    assert params == {"NextToken": "abc+/=", "PageSize": 25}


def test_legacy_get_list_route_without_query() -> None:
    found = ROUTER.match("GET", "/v2/email/configuration-sets")
    assert found is not None

    assert rest_json.parse_request(found.operation, {}, {}, {}, b"", found.query_members) == {}


def test_current_list_route_reads_the_json_body() -> None:
    found = ROUTER.match("POST", "/v2/email/list-configuration-sets")
    assert found is not None
    assert found.query_members == {}

    params = rest_json.parse_request(
        found.operation, {}, {}, {}, b'{"NextToken": "abc", "PageSize": 5}', found.query_members
    )

    assert params == {"NextToken": "abc", "PageSize": 5}

"""botocore as the client: turn params into the bytes it would send, and read what we answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from botocore.awsrequest import HeadersDict, create_request_object, prepare_request_dict
from botocore.parsers import create_parser
from botocore.serialize import create_serializer
from hypothesis import HealthCheck, settings

ENDPOINT = "http://127.0.0.1:8585"

# Every operation of both models runs each property, so each one runs a few examples only.
FEW = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@dataclass(frozen=True)
class Sent:
    """One request as botocore puts it on the wire; ``path`` and ``query`` stay percent-encoded."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    def form(self) -> dict[str, str]:
        """A Query request's parameters, from the query string and the form body."""
        form = dict(parse_qsl(self.query, keep_blank_values=True))
        form.update(parse_qsl(self.body.decode(), keep_blank_values=True))
        return form


def client_request(operation: Any, params: dict[str, Any]) -> Sent:
    """The HTTP request botocore sends for ``params``."""
    protocol = operation.service_model.metadata["protocol"]
    request = create_serializer(protocol, include_validation=False).serialize_to_request(
        params, operation
    )
    prepare_request_dict(request, ENDPOINT)
    request["context"] = {}
    prepared: Any = create_request_object(request).prepare()
    parts = urlsplit(prepared.url)
    body = prepared.body or b""
    return Sent(
        method=prepared.method,
        path=parts.path,
        query=parts.query,
        headers={name.lower(): value for name, value in prepared.headers.items()},
        body=body.encode() if isinstance(body, str) else bytes(body),
    )


def client_parse(
    operation: Any, status: int, headers: dict[str, str], body: bytes
) -> dict[str, Any]:
    """What botocore makes of a response, without its ResponseMetadata."""
    protocol = operation.service_model.metadata["protocol"]
    response = {"status_code": status, "headers": HeadersDict(headers), "body": body}
    parsed: dict[str, Any] = create_parser(protocol).parse(response, operation.output_shape)
    parsed.pop("ResponseMetadata", None)
    return parsed


def client_parse_error(
    protocol: str, status: int, headers: dict[str, str], body: bytes
) -> dict[str, Any]:
    response = {"status_code": status, "headers": HeadersDict(headers), "body": body}
    parser: Any = create_parser(protocol)
    parsed: dict[str, Any] = parser.parse(response, None)
    return parsed

"""The values of IAM condition keys for one request (issue 18): SES's own keys (DG
``control-user-access.md``; SAR) and the global ``aws:`` keys openses can know. The policy
evaluator (``domain/policy.py``, ``domain/conditions.py``) reads them from this context."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from openses.domain import conditions
from openses.domain.conditions import Context
from openses.domain.mailbox import name_address_pairs
from openses.domain.options import Tag
from openses.protocol.auth import Caller
from openses.store.sources import ConnectionSource
from openses.store.unit_of_work import UnitOfWork

# v1 Query is version 1; v2 REST-JSON and SMTP are version 2 (DG control-user-access.md)
API_VERSIONS = {"ses": "1", "sesv2": "2"}
SMTP_API_VERSION = "2"
Entry = tuple[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Connection:
    """What the transport tells about a request."""

    source_ip: str
    secure: bool
    now: datetime.datetime
    user_agent: str | None = None


def common(caller: Caller, connection: Connection, api_version: str) -> list[Entry]:
    now = connection.now.astimezone(datetime.UTC)
    return [
        ("ses:ApiVersion", (api_version,)),
        ("aws:SourceIp", (connection.source_ip,)),
        ("aws:SecureTransport", ("true" if connection.secure else "false",)),
        ("aws:CurrentTime", (now.strftime("%Y-%m-%dT%H:%M:%SZ"),)),
        ("aws:EpochTime", (str(int(now.timestamp())),)),
        ("aws:PrincipalAccount", (caller.account_id,)),
        ("aws:UserAgent", conditions.values(connection.user_agent)),
    ]


def for_request(
    service: str, params: dict[str, Any], caller: Caller, connection: Connection
) -> Context:
    """The context of an API request: the common keys, the send's addresses, the tags."""
    entries = common(caller, connection, API_VERSIONS.get(service, "2"))
    entries += sender(params.get("FromEmailAddress") or params.get("Source"))
    entries.append(("ses:Recipients", recipients(params)))
    entries.append(
        (
            "ses:FeedbackAddress",
            conditions.values(
                params.get("FeedbackForwardingEmailAddress") or params.get("ReturnPath")
            ),
        )
    )
    entries += request_tags(params.get("Tags"))
    return conditions.build(entries)


class Deferred(Mapping[str, tuple[str, ...]]):
    """A context built on first use, once: most sends never read theirs (a key without
    policies, no other account's identity), and building it parses every address of the
    send again (about 2 % of an SQLite send's time)."""

    __slots__ = ("_build", "_built")

    def __init__(self, build: Callable[[], Context]) -> None:
        self._build = build
        self._built: Context | None = None

    def _context(self) -> Context:
        if self._built is None:
            self._built = self._build()
        return self._built

    def __getitem__(self, key: str) -> tuple[str, ...]:
        return self._context()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._context())

    def __len__(self) -> int:
        return len(self._context())


def for_smtp(
    caller: Caller, connection: Connection, source: str | None, recipients: Iterable[str]
) -> Context:
    """SMTP is version 2 of ses:SendRawEmail (DG control-user-access.md)."""
    entries = common(caller, connection, SMTP_API_VERSION)
    entries += sender(source)
    entries.append(("ses:Recipients", tuple(recipients)))
    return conditions.build(entries)


def sender(mailbox: str | None) -> list[Entry]:
    """ses:FromAddress and ses:FromDisplayName of ``Name <user@example.com>``."""
    if not mailbox:
        return []
    pairs = name_address_pairs((mailbox,))
    name, address = pairs[0] if pairs else ("", mailbox)
    return [
        ("ses:FromAddress", conditions.values(address or None)),
        ("ses:FromDisplayName", conditions.values(name or None)),
    ]


def recipients(params: dict[str, Any]) -> tuple[str, ...]:
    """To, CC and BCC of a send: its Destination, v1 SendRawEmail's Destinations, or every
    bulk entry's (v2 BulkEmailEntries, v1 SendBulkTemplatedEmail's Destinations)."""
    found: list[str] = []
    blocks: list[object] = [params.get("Destination")]
    for entry in [*(params.get("Destinations") or []), *(params.get("BulkEmailEntries") or [])]:
        if isinstance(entry, str):
            found.append(entry)
        elif isinstance(entry, dict):
            blocks.append(entry.get("Destination"))
    for block in blocks:
        if isinstance(block, dict):
            for member in ("ToAddresses", "CcAddresses", "BccAddresses"):
                found += block.get(member) or []
    return tuple(address for _, address in name_address_pairs(tuple(found)) if address)


def request_tags(tags: object) -> list[Entry]:
    """aws:RequestTag/<key> and aws:TagKeys of a request's ``Tags`` (v2 [{Key, Value}])."""
    if not isinstance(tags, list):
        return []
    pairs = [(t["Key"], t.get("Value", "")) for t in tags if isinstance(t, dict) and "Key" in t]
    entries: list[Entry] = [(f"aws:RequestTag/{key}", (value,)) for key, value in pairs]
    entries.append(("aws:TagKeys", tuple(key for key, _ in pairs)))
    return entries


def resource_tags(tags: Iterable[Tag]) -> Context:
    return conditions.build((f"aws:ResourceTag/{tag.key}", (tag.value,)) for tag in tags)


def resource_tag_reader(
    source: ConnectionSource, account_id: str, region: str
) -> Callable[[str], Context]:
    """aws:ResourceTag/ keys of a resource ARN, read from the store (a short unit of work a
    look-up; only for keys whose policies use them)."""

    def read(arn: str) -> Context:
        if arn == "*":
            return {}
        with UnitOfWork(source, account_id, region) as uow:
            return resource_tags(uow.tags.get(arn))

    return read


def with_message(context: Context, source: str, recipients: Iterable[str]) -> Context:
    """``context`` for one message: its own recipients (a bulk call's entry has its own), and
    its sender from the headers when the call names none (a raw send)."""
    found = dict(context)
    if "ses:fromaddress" not in found:
        found.update(conditions.build(sender(source)))
    found.pop("ses:recipients", None)
    found.update(conditions.build([("ses:Recipients", tuple(recipients))]))
    return found

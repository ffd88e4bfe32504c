"""Account and region from the SigV4 ``Authorization`` header's credential scope."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([a-z0-9-]+)/")
_TWELVE_DIGITS = re.compile(r"\d{12}")
# A request without a credential scope (unsigned, or signed otherwise) is in this region.
DEFAULT_REGION = "us-east-1"
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d")
REGION_MAX_LENGTH = 32  # the store's region columns (store/tables.py) hold this many


def is_region(text: str) -> bool:
    """Whether ``text`` is spelled as an AWS region (``us-east-1``) and fits the store."""
    return len(text) <= REGION_MAX_LENGTH and _REGION.fullmatch(text) is not None


@dataclass(frozen=True, slots=True)
class Caller:
    """Who signed the request: its account, region and access key."""

    account_id: str
    region: str
    access_key: str = ""


def caller_from_headers(
    authorization: str | None, access_keys: Mapping[str, str], default_account_id: str
) -> Caller:
    """A configured key maps to its account; a 12-digit key id is the account; else the default."""
    match = _CREDENTIAL.search(authorization or "")
    if match is None:
        return Caller(default_account_id, DEFAULT_REGION)
    access_key, region = match.groups()
    return caller_for_key(access_key, region, access_keys, default_account_id)


def caller_for_key(
    access_key: str, region: str, access_keys: Mapping[str, str], default_account_id: str
) -> Caller:
    """The same rules for a key known otherwise (an SMTP user name)."""
    if access_key in access_keys:
        account = access_keys[access_key]
    elif _TWELVE_DIGITS.fullmatch(access_key):
        account = access_key
    else:
        account = default_account_id
    return Caller(account, region, access_key)

"""Resource tags and the ARNs they attach to."""

from __future__ import annotations

import re
from dataclasses import dataclass

from openses.domain.errors import InvalidTags
from openses.domain.options import Tag

MAX_TAGS = 50
MAX_KEY_LENGTH = 128
MAX_VALUE_LENGTH = 256
# arn:PARTITION:SERVICE:REGION:ACCOUNT:TYPE/NAME. AWS reads only the region, account, type and
# name; any non-empty partition and service pass. A ':' in the name is a format error.
_ARN = re.compile(r"arn:[^:]+:[^:]+:([^:]+):([^:]+):([a-z-]+)/([^:]+)")


@dataclass(frozen=True, slots=True)
class ResourceArn:
    region: str
    account_id: str
    resource_type: str
    name: str

    @classmethod
    def parse(cls, arn: str) -> ResourceArn:
        match = _ARN.fullmatch(arn)
        if match is None:
            raise InvalidTags("ResourceArn is not the expected format")
        return cls(*match.groups())

    def __str__(self) -> str:
        return f"arn:aws:ses:{self.region}:{self.account_id}:{self.resource_type}/{self.name}"


def check(tags: list[Tag]) -> None:
    keys = [tag.key for tag in tags]
    if len(set(keys)) != len(keys):
        raise InvalidTags("Duplicate tag keys are not allowed.")
    for tag in tags:
        if not 1 <= len(tag.key) <= MAX_KEY_LENGTH:
            raise InvalidTags(f"Tag keys must be between 1 and {MAX_KEY_LENGTH} characters.")
        if len(tag.value) > MAX_VALUE_LENGTH:
            raise InvalidTags(f"Tag values must be at most {MAX_VALUE_LENGTH} characters.")
    if len(tags) > MAX_TAGS:
        raise InvalidTags(f"A resource can have at most {MAX_TAGS} tags.")


def merge(existing: list[Tag], added: list[Tag]) -> list[Tag]:
    """Tags with a new key are appended; an existing key takes the new value."""
    check(added)
    merged = {tag.key: tag for tag in existing}
    merged.update({tag.key: tag for tag in added})
    result = list(merged.values())
    check(result)
    return result


def without(existing: list[Tag], keys: list[str]) -> list[Tag]:
    removed = set(keys)
    return [tag for tag in existing if tag.key not in removed]

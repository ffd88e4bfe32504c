"""Name and value rules that AWS enforces but its service models do not state."""

from __future__ import annotations

import re
from collections.abc import Callable

MAX_NAME_LENGTH = 64

# Configuration-set and event-destination names: ASCII letters, digits, '_' and '-', 1-64 long.
_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
# CloudWatch dimension names: letters, digits, '_', '-', ':' (AWS allows colons here), <= 256.
_DIMENSION_NAME = re.compile(r"[A-Za-z0-9_:-]{1,256}")
# CloudWatch default dimension values also allow '@' and '.'.
_DIMENSION_VALUE = re.compile(r"[A-Za-z0-9_:@.-]{1,256}")


def is_valid_name(name: str) -> bool:
    return _NAME.fullmatch(name) is not None


def check_name(name: str, noun: str, error: Callable[[str], Exception]) -> None:
    """A configuration-set or template name, refused in AWS's wording for that ``noun``."""
    if not name:
        raise error(f"The {noun} name must be specified.")
    if len(name) > MAX_NAME_LENGTH:
        raise error(f"{noun.capitalize()} name cannot exceed {MAX_NAME_LENGTH} characters.")
    if not is_valid_name(name):
        raise error(
            f"Invalid {noun} name <{name}>: only alphanumeric ASCII characters, '_', "
            "and '-' are allowed."
        )


def is_valid_dimension_name(name: str) -> bool:
    return _DIMENSION_NAME.fullmatch(name) is not None


def is_valid_dimension_value(value: str) -> bool:
    return _DIMENSION_VALUE.fullmatch(value) is not None


# An SNS topic ARN: arn:PARTITION:sns:REGION:ACCOUNT:NAME, the name 1-256 letters, digits,
# '_' and '-' (a FIFO topic's ends in '.fifo').
_SNS_TOPIC_ARN = re.compile(
    r"arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?"
)


def is_sns_topic_arn(value: str) -> bool:
    return _SNS_TOPIC_ARN.fullmatch(value) is not None

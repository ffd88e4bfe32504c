"""IAM policy Conditions (IAM User Guide, "IAM JSON policy elements: Condition operators"):
checking a Condition block and evaluating it against a request context.

A block is ``{operator: {key: value or [values]}}``. Every operator and every key in it must
match (AND); the values of one key match when any does (OR), and for a negated operator
(StringNotEquals, NotIpAddress, ...) when none does. Operators take the ``ForAllValues:`` /
``ForAnyValue:`` prefixes and the ``IfExists`` suffix. The context maps a key, in lower case
up to its first ``/`` (``aws:RequestTag/Team``), to the key's values as strings: one for a
single-valued key, any number for a multivalued one (``ses:Recipients``, ``aws:TagKeys``).
"""

from __future__ import annotations

import datetime
import functools
import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping

Context = Mapping[str, tuple[str, ...]]
_ANY, _ALL = "ForAnyValue:", "ForAllValues:"


class MalformedCondition(ValueError):
    """A Condition block IAM refuses; the message says which rule."""


def context_key(name: str) -> str:
    """Condition key names are case-insensitive; a tag key after ``/`` is not."""
    prefix, slash, rest = name.partition("/")
    return prefix.lower() + slash + rest


def glob(pattern: str, text: str, *, ignore_case: bool = False) -> bool:
    """IAM's wildcards: ``*`` any run of characters, ``?`` one; nothing else is special."""
    return _compiled(pattern, ignore_case).fullmatch(text) is not None


@functools.lru_cache(maxsize=1024)
def _compiled(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _date(text: str) -> datetime.datetime | None:
    """ISO 8601 (a ``Z`` or offset; UTC when none) or seconds since the epoch."""
    seconds = _number(text)
    if seconds is not None:
        return datetime.datetime.fromtimestamp(seconds, datetime.UTC)
    try:
        parsed = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def _in_network(value: str, cidr: str) -> bool:
    network = _network(cidr)
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return False
    return network is not None and address.version == network.version and address in network


def _compare(
    parse: Callable[[str], object | None], test: Callable[[object, object], bool]
) -> Callable[[str, str], bool]:
    def compare(value: str, wanted: str) -> bool:
        left, right = parse(value), parse(wanted)
        return left is not None and right is not None and test(left, right)

    return compare


def _lt(a: object, b: object) -> bool:
    return bool(a < b)  # type: ignore[operator]


def _le(a: object, b: object) -> bool:
    return bool(a <= b)  # type: ignore[operator]


def _eq(a: object, b: object) -> bool:
    return a == b


Operator = tuple[Callable[[str, str], bool], bool]


def _ordering(family: str, parse: Callable[[str], object | None]) -> dict[str, Operator]:
    """The six operators of an ordered family (``NumericEquals`` ... ``NumericGreaterThanEquals``)
    over the values ``parse`` reads; a value it cannot read matches nothing."""
    return {
        f"{family}Equals": (_compare(parse, _eq), False),
        f"{family}NotEquals": (_compare(parse, _eq), True),
        f"{family}LessThan": (_compare(parse, _lt), False),
        f"{family}LessThanEquals": (_compare(parse, _le), False),
        f"{family}GreaterThan": (_compare(parse, lambda a, b: _lt(b, a)), False),
        f"{family}GreaterThanEquals": (_compare(parse, lambda a, b: _le(b, a)), False),
    }


# base operator -> (does one context value match one policy value, negated)
_OPERATORS: dict[str, Operator] = {
    "StringEquals": (lambda v, w: v == w, False),
    "StringNotEquals": (lambda v, w: v == w, True),
    "StringEqualsIgnoreCase": (lambda v, w: v.lower() == w.lower(), False),
    "StringNotEqualsIgnoreCase": (lambda v, w: v.lower() == w.lower(), True),
    "StringLike": (lambda v, w: glob(w, v), False),
    "StringNotLike": (lambda v, w: glob(w, v), True),
    **_ordering("Numeric", _number),
    **_ordering("Date", _date),
    "Bool": (lambda v, w: v.lower() == w.lower(), False),
    "BinaryEquals": (lambda v, w: v == w, False),
    "IpAddress": (_in_network, False),
    "NotIpAddress": (_in_network, True),
    "ArnEquals": (lambda v, w: glob(w, v), False),
    "ArnLike": (lambda v, w: glob(w, v), False),
    "ArnNotEquals": (lambda v, w: glob(w, v), True),
    "ArnNotLike": (lambda v, w: glob(w, v), True),
}


def _split(operator: str) -> tuple[str, str, bool]:
    """(set qualifier or "", base operator, IfExists)."""
    qualifier = next((q for q in (_ANY, _ALL) if operator.startswith(q)), "")
    base = operator[len(qualifier) :]
    if_exists = base.endswith("IfExists") and base != "IfExists"
    return qualifier, base.removesuffix("IfExists") if if_exists else base, if_exists


def check(block: object) -> None:
    """Raises MalformedCondition unless ``block`` is a Condition IAM would take."""
    if not isinstance(block, dict):
        raise MalformedCondition("Syntax errors in policy.")
    for operator, keys in block.items():
        qualifier, base, if_exists = _split(operator)
        if base != "Null" and base not in _OPERATORS:
            raise MalformedCondition(f"Invalid Condition type : {operator}.")
        if base == "Null" and (qualifier or if_exists):
            raise MalformedCondition(f"Invalid Condition type : {operator}.")
        if not isinstance(keys, dict) or not keys:
            raise MalformedCondition("Syntax errors in policy.")
        for key, values in keys.items():
            if ":" not in key:
                raise MalformedCondition(
                    "Actions/Conditions must be prefaced by a vendor, e.g., iam, "
                    f"sdb, ec2, etc. ({key})"
                )
            for value in _values(values):
                if not isinstance(value, str | bool | int | float):
                    raise MalformedCondition("Syntax errors in policy.")


def _values(values: object) -> list[object]:
    return list(values) if isinstance(values, list) else [values]


def _text(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def matches(block: Mapping[str, Mapping[str, object]], context: Context) -> bool:
    """Whether every condition of a checked ``block`` holds in ``context``."""
    return all(
        _holds(operator, key, [_text(v) for v in _values(values)], context)
        for operator, keys in block.items()
        for key, values in keys.items()
    )


def _holds(operator: str, key: str, wanted: list[str], context: Context) -> bool:
    present = context.get(context_key(key))
    qualifier, base, if_exists = _split(operator)
    if base == "Null":
        absent = not present
        return any((w.lower() == "true") == absent for w in wanted)
    test, negated = _OPERATORS[base]
    if not present:
        # IAM: ForAllValues holds for an absent key; IfExists and negated operators too.
        return qualifier == _ALL or if_exists or (negated and not qualifier)

    def one(value: str) -> bool:
        hit = any(test(value, w) for w in wanted)
        return not hit if negated else hit

    if qualifier == _ALL:
        return all(one(v) for v in present)
    if qualifier == _ANY or not negated:
        return any(one(v) for v in present)
    # a negated operator on a multivalued key without a qualifier: no value may match
    return all(one(v) for v in present)


def values(*items: str | None) -> tuple[str, ...]:
    """A context entry: the given values, without the missing ones."""
    return tuple(item for item in items if item is not None)


def build(entries: Iterable[tuple[str, tuple[str, ...]]]) -> dict[str, tuple[str, ...]]:
    """A context from (key, values) pairs; keys with no value are left out."""
    return {context_key(key): found for key, found in entries if found}

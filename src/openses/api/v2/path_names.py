"""v2 refuses a malformed configuration-set name in a request's path before it looks at
anything else, the set included (docs/aws-behaviour.md, rows 4a-4e): one rule for the thirteen
operations whose path names a set, run by the gateway before their handlers. v1 checks names
only on create, and CreateConfigurationSet, whose name is in the body, checks its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openses.domain import configuration_set

_RULES: dict[str, Callable[[str], None]] = {
    "ConfigurationSetName": configuration_set.check_name,
}


def check(operation: Any, params: dict[str, Any]) -> None:
    shape = operation.input_shape
    if shape is None:
        return
    for name, member in shape.members.items():
        rule = _RULES.get(name)
        if rule is not None and member.serialization.get("location") == "uri" and name in params:
            rule(params[name])

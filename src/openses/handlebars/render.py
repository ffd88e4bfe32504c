"""Rendering a compiled tree against JSON data, with SES's strictness on missing attributes."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from openses.handlebars.tree import (
    Block,
    Budget,
    Literal,
    MissingAttribute,
    Mustache,
    Node,
    Param,
    PartialCall,
    Path,
    RenderLimitExceeded,
    TemplateSyntaxError,
    Text,
    escape_html,
)

MAX_PARTIAL_DEPTH = 64
# Without a budget of its own a rendering still stops somewhere: nested ``{{#each}}`` over a
# few hundred items would otherwise render for many seconds (see domain/template.py).
DEFAULT_BUDGET_CHARS = 40 * 1024 * 1024
DEFAULT_BUDGET_STEPS = 200_000


# --- rendering --------------------------------------------------------------------------------

_MISSING = object()


@dataclass(frozen=True, slots=True)
class _Scope:
    contexts: tuple[object, ...]  # root first
    data: Mapping[str, object]
    depth: int = 0  # partial nesting


class Template:
    def __init__(self, nodes: tuple[Node, ...], partials: Mapping[str, tuple[Node, ...]]) -> None:
        self.nodes = nodes
        self.partials = dict(partials)

    def render(self, data: object, *, escape: bool = True, budget: Budget | None = None) -> str:
        """Raises MissingAttribute, TemplateSyntaxError and RenderLimitExceeded, the last as
        soon as the budget runs out."""
        if budget is None:
            budget = Budget(max_chars=DEFAULT_BUDGET_CHARS, max_steps=DEFAULT_BUDGET_STEPS)
        out = _Output(budget)
        self._render(self.nodes, _Scope((data,), {"root": data}), out, escape)
        return "".join(out.parts)

    def _render(self, nodes: Sequence[Node], scope: _Scope, out: _Output, escape: bool) -> None:
        budget = out.budget
        for node in nodes:
            budget.steps_left -= 1
            if budget.steps_left < 0:
                raise RenderLimitExceeded(budget, size=False)
            if isinstance(node, Text):
                out.append(node.value)
            elif isinstance(node, Mustache):
                value = self._lookup(node.path, scope, strict=True)
                text = _to_text(value)
                out.append(escape_html(text) if node.escape and escape else text)
            elif isinstance(node, Block):
                self._block(node, scope, out, escape)
            else:
                self._partial(node, scope, out, escape)

    def _block(self, node: Block, scope: _Scope, out: _Output, escape: bool) -> None:
        name = node.name
        if name in {"if", "unless"}:
            value = self._value(node.params[0], scope)
            include_zero = node.hash.get("includeZero")
            truthy = _truthy(value) or (
                value == 0
                and not isinstance(value, bool)
                and include_zero is not None
                and _truthy(self._value(include_zero, scope))
            )
            chosen = node.body if truthy != (name == "unless") else node.inverse
            self._render(chosen, scope, out, escape)
        elif name == "each":
            self._each(node, self._value(node.params[0], scope), scope, out, escape)
        elif name == "with":
            value = self._value(node.params[0], scope)
            if _truthy(value):
                self._render(node.body, _push(scope, value), out, escape)
            else:
                self._render(node.inverse, scope, out, escape)
        else:
            # Not a helper: a mustache section over the attribute named like the block.
            head = node.params[0]
            assert isinstance(head, Path)
            value = self._lookup(head, scope, strict=not node.inverted)
            if node.inverted:
                self._render(node.inverse if _truthy(value) else node.body, scope, out, escape)
            elif isinstance(value, list):
                self._each(node, value, scope, out, escape)
            elif value is True:
                self._render(node.body, scope, out, escape)
            elif _truthy(value):
                self._render(node.body, _push(scope, value), out, escape)
            else:
                self._render(node.inverse, scope, out, escape)

    def _each(self, node: Block, value: object, scope: _Scope, out: _Output, escape: bool) -> None:
        items: list[tuple[object, object]]
        if isinstance(value, list):
            items = list(enumerate(value))
        elif isinstance(value, Mapping):
            items = list(value.items())
        else:
            items = []
        if not items:
            self._render(node.inverse, scope, out, escape)
            return
        last = len(items) - 1
        for index, (key, item) in enumerate(items):
            out.budget.steps_left -= 1
            if out.budget.steps_left < 0:
                raise RenderLimitExceeded(out.budget, size=False)
            data = {
                **scope.data,
                "index": index,
                "key": key,
                "first": index == 0,
                "last": index == last,
            }
            inner = _Scope((*scope.contexts, item), data, scope.depth)
            self._render(node.body, inner, out, escape)

    def _partial(self, node: PartialCall, scope: _Scope, out: _Output, escape: bool) -> None:
        if scope.depth >= MAX_PARTIAL_DEPTH:
            raise TemplateSyntaxError(f"The partial {node.name} recurses too deeply.")
        inner = _Scope(scope.contexts, scope.data, scope.depth + 1)
        if node.context is not None:
            inner = _push(inner, self._value(node.context, scope))
        self._render(self.partials[node.name], inner, out, escape)

    def _value(self, param: Param, scope: _Scope) -> object:
        if isinstance(param, Literal):
            return param.value
        return self._lookup(param, scope, strict=False)

    def _lookup(self, path: Path, scope: _Scope, *, strict: bool) -> object:
        if path.data:
            if not path.parts:
                return _MISSING
            base = scope.data.get(path.parts[0], _MISSING)
            return _walk(base, path.parts[1:])
        contexts = scope.contexts
        base = contexts[max(len(contexts) - 1 - path.up, 0)]
        if not path.parts:
            return base
        if (
            strict
            and not path.explicit_this
            and base is contexts[0]
            and not (isinstance(base, Mapping) and path.parts[0] in base)
        ):
            raise MissingAttribute(path.parts[0])
        return _walk(base, path.parts)


class _Output:
    """The rendered pieces, counted against the budget as they come."""

    __slots__ = ("budget", "parts")

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.parts: list[str] = []

    def append(self, text: str) -> None:
        budget = self.budget
        budget.chars_left -= len(text)
        if budget.chars_left < 0:
            raise RenderLimitExceeded(budget, size=True)
        self.parts.append(text)


def _push(scope: _Scope, context: object) -> _Scope:
    return _Scope((*scope.contexts, context), scope.data, scope.depth)


def _walk(value: object, parts: Sequence[str]) -> object:
    for part in parts:
        if isinstance(value, Mapping):
            value = value.get(part, _MISSING)
        elif isinstance(value, list | str) and part == "length":
            value = len(value)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def _truthy(value: object) -> bool:
    """Handlebars' falsy values: missing, null, false, 0, NaN, "" and the empty list."""
    if value is _MISSING or value is None or value is False:
        return False
    if isinstance(value, int | float) and (value == 0 or math.isnan(value)):
        return False
    return not (isinstance(value, str | list) and len(value) == 0)


def _to_text(value: object) -> str:
    """How JavaScript would print a JSON value, as Handlebars does."""
    if value is _MISSING or value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    if isinstance(value, list):
        return ",".join(_to_text(item) for item in value)
    if isinstance(value, Mapping):
        return "[object Object]"
    return str(value)

"""The compiled form of a Handlebars template, and the engine's two errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

BUILTIN_BLOCKS = frozenset({"if", "unless", "each", "with"})


class TemplateSyntaxError(Exception):
    """The template cannot be parsed (or a partial recurses without end)."""


class RenderLimitExceeded(Exception):
    """Rendering stopped early: its output grew beyond ``Budget.max_chars`` characters, or it
    took more than ``Budget.max_steps`` steps (a node rendered, or a loop's iteration)."""

    def __init__(self, budget: Budget, *, size: bool) -> None:
        what = f"{budget.max_chars} characters" if size else f"{budget.max_steps} steps"
        super().__init__(f"Rendering would take more than {what}.")
        self.size = size
        self.rendered_chars = budget.max_chars - budget.chars_left


class Budget:
    """What one rendering (all parts of one message) may spend; shared by its parts."""

    __slots__ = ("chars_left", "max_chars", "max_steps", "steps_left")

    def __init__(self, *, max_chars: int, max_steps: int) -> None:
        self.max_chars = self.chars_left = max_chars
        self.max_steps = self.steps_left = max_steps


class MissingAttribute(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(f"Attribute '{name}' is not present in the rendering data.")
        self.name = name


_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "'": "&#x27;",
        "`": "&#x60;",
        "=": "&#x3D;",
    }
)


def escape_html(text: str) -> str:
    """Handlebars' ``escapeExpression``: & < > " ' ` =."""
    return text.translate(_ESCAPES)


# --- tree -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Path:
    parts: tuple[str, ...]
    up: int = 0  # how many ``../``
    data: bool = False  # ``@name``
    explicit_this: bool = False  # ``this``, ``this.x``, ``./x``
    original: str = ""


@dataclass(frozen=True, slots=True)
class Literal:
    value: object


Param = Path | Literal


@dataclass(frozen=True, slots=True)
class Text:
    value: str


@dataclass(frozen=True, slots=True)
class Mustache:
    path: Path
    escape: bool


@dataclass(frozen=True, slots=True)
class Block:
    name: str
    params: tuple[Param, ...]
    hash: Mapping[str, Param]
    body: tuple[Node, ...]
    inverse: tuple[Node, ...]
    inverted: bool = False  # ``{{^name}}``


@dataclass(frozen=True, slots=True)
class PartialCall:
    name: str
    context: Param | None


Node = Text | Mustache | Block | PartialCall

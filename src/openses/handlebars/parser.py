"""Handlebars source -> tree: lexing, standalone/``~`` whitespace rules, block structure."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from openses.handlebars.tree import (
    BUILTIN_BLOCKS,
    Block,
    Literal,
    Mustache,
    Node,
    Param,
    PartialCall,
    Path,
    TemplateSyntaxError,
    Text,
)

# --- lexing -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Tag:
    kind: str  # open, inline, close, else, inverse_open, partial, comment, mustache
    body: str
    raw: bool = False
    strip_left: bool = False
    strip_right: bool = False
    line: int = 1


_Token = str | _Tag
_STANDALONE_KINDS = frozenset(
    {"open", "inline", "close", "else", "inverse_open", "partial", "comment"}
)


def _lex(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    text: list[str] = []
    i = 0
    while True:
        start = source.find("{{", i)
        if start < 0:
            text.append(source[i:])
            break
        if start > 0 and source[start - 1] == "\\":
            text.append(source[i : start - 1] + "{{")
            i = start + 2
            continue
        text.append(source[i:start])
        tokens.append("".join(text))
        text = []
        tag, i = _read_tag(source, start)
        tokens.append(tag)
    tokens.append("".join(text))
    return tokens


def _read_tag(source: str, start: int) -> tuple[_Tag, int]:
    line = source.count("\n", 0, start) + 1
    i = start + 2
    strip_left = source.startswith("~", i)
    if strip_left:
        i += 1
    if source.startswith("!--", i):
        end = source.find("--", i + 3)
        while end >= 0 and not re.match(r"--~?}}", source[end:]):
            end = source.find("--", end + 1)
        if end < 0:
            raise TemplateSyntaxError(f"Unclosed comment on line {line}.")
        close = source.index("}}", end)
        strip_right = source[close - 1] == "~"
        return _Tag("comment", "", False, strip_left, strip_right, line), close + 2
    raw = source.startswith("{", i)
    closer = "}}}" if raw else "}}"
    if raw:
        i += 1
    end = source.find(closer, i)
    if end < 0:
        raise TemplateSyntaxError(f"Unclosed '{{{{' on line {line}.")
    body = source[i:end]
    strip_right = body.endswith("~")
    if strip_right:
        body = body[:-1]
    if raw:
        return _Tag("mustache", body.strip(), True, strip_left, strip_right, line), end + 3
    body = body.strip()
    kind = "mustache"
    if body.startswith("!"):
        kind, body = "comment", ""
    elif body.startswith("#*"):
        kind, body = "inline", body[2:].strip()
    elif body.startswith("#"):
        kind, body = "open", body[1:].strip()
    elif body.startswith("/"):
        kind, body = "close", body[1:].strip()
    elif body == "^" or body == "else" or body.startswith("else "):
        kind, body = "else", body[4:].strip() if body.startswith("else") else ""
    elif body.startswith("^"):
        kind, body = "inverse_open", body[1:].strip()
    elif body.startswith(">"):
        kind, body = "partial", body[1:].strip()
    elif body.startswith("&"):
        raw, body = True, body[1:].strip()
    if not body and kind in {"open", "close", "inverse_open", "partial", "mustache", "inline"}:
        raise TemplateSyntaxError(f"Empty expression on line {line}.")
    return _Tag(kind, body, raw, strip_left, strip_right, line), end + 2


def _strip_whitespace(tokens: list[_Token]) -> None:
    """A block tag alone on its line takes the line with it; ``~`` eats whitespace beside it.

    As Handlebars: a standalone tag removes the blanks before it on its line and the blanks plus
    line break after it. Standalone-ness is judged on the source before anything is stripped.
    """
    last = len(tokens) - 1
    standalone = [
        isinstance(token, _Tag)
        and token.kind in _STANDALONE_KINDS
        and _ends_line(str(tokens[index - 1]), at_edge=index == 1)
        and _starts_line(str(tokens[index + 1]), at_edge=index + 1 == last)
        for index, token in enumerate(tokens)
    ]
    for index, token in enumerate(tokens):
        if not isinstance(token, _Tag):
            continue
        if standalone[index]:
            tokens[index - 1] = re.sub(r"[ \t]*$", "", str(tokens[index - 1]))
            tokens[index + 1] = re.sub(r"^[ \t]*\r?\n?", "", str(tokens[index + 1]))
        if token.strip_left:
            tokens[index - 1] = str(tokens[index - 1]).rstrip()
        if token.strip_right:
            tokens[index + 1] = str(tokens[index + 1]).lstrip()


def _ends_line(text: str, *, at_edge: bool) -> bool:
    """Only blanks between the last line break (or the template's start) and the tag."""
    _, newline, tail = text.rpartition("\n")
    return (bool(newline) or at_edge) and not tail.strip(" \t")


def _starts_line(text: str, *, at_edge: bool) -> bool:
    head, newline, _ = text.partition("\n")
    return (bool(newline) or at_edge) and not head.strip(" \t\r")


# --- parsing ----------------------------------------------------------------------------------

_WORD = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<hash>[A-Za-z_$][\w$-]*)=
      | (?P<word>(?:\[[^\]]*\]|[^\s()=\[\]])+)
      | (?P<bad>\S)
    )""",
    re.VERBOSE,
)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _split(body: str, line: int) -> tuple[list[Param], dict[str, Param]]:
    params: list[Param] = []
    hashes: dict[str, Param] = {}
    pending_key: str | None = None
    position = 0
    while position < len(body) and body[position:].strip():
        match = _WORD.match(body, position)
        if match is None or match.group("bad"):
            raise TemplateSyntaxError(f"Unsupported expression '{body}' on line {line}.")
        position = match.end()
        if match.group("hash"):
            if pending_key is not None:
                raise TemplateSyntaxError(f"Bad hash argument in '{body}' on line {line}.")
            pending_key = match.group("hash")
            continue
        value = _param(match.group("string") or match.group("word"), line)
        if pending_key is not None:
            hashes[pending_key] = value
            pending_key = None
        elif hashes:
            raise TemplateSyntaxError(f"Positional argument after hash in '{body}' on line {line}.")
        else:
            params.append(value)
    if pending_key is not None:
        raise TemplateSyntaxError(f"Missing value for '{pending_key}=' on line {line}.")
    return params, hashes


def _param(word: str, line: int) -> Param:
    if word[0] in "\"'":
        return Literal(re.sub(r"\\(.)", r"\1", word[1:-1]))
    if _NUMBER.fullmatch(word):
        return Literal(float(word) if "." in word else int(word))
    if word in {"true", "false"}:
        return Literal(word == "true")
    if word in {"null", "undefined"}:
        return Literal(None)
    return _path(word, line)


def _path(word: str, line: int) -> Path:
    original = word
    data = word.startswith("@")
    if data:
        word = word[1:]
    up = 0
    while word.startswith("../"):
        up += 1
        word = word[3:]
    segments = [s[1:-1] if s.startswith("[") else s for s in re.findall(r"\[[^\]]*\]|[^./]+", word)]
    if not segments and word not in {".", "this", ""}:
        raise TemplateSyntaxError(f"Invalid path '{original}' on line {line}.")
    explicit_this = False
    if segments and segments[0] in {"this", "."} and not word.startswith("["):
        explicit_this, segments = True, segments[1:]
    elif word.startswith("./") or word in {".", ""}:
        explicit_this = True
    if any(s in {"..", "this"} for s in segments):
        raise TemplateSyntaxError(f"Invalid path '{original}' on line {line}.")
    return Path(tuple(segments), up, data, explicit_this, original)


@dataclass(slots=True)
class _Open:
    tag: _Tag
    name: str
    params: tuple[Param, ...]
    hash: dict[str, Param]
    body: list[Node] = field(default_factory=list)
    inverse: list[Node] | None = None
    chained: bool = False  # opened by ``{{else if ...}}``: closes with its parent


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.partials: dict[str, tuple[Node, ...]] = {}
        self.calls: list[tuple[str, int]] = []

    def parse(self) -> tuple[Node, ...]:
        root: list[Node] = []
        stack: list[_Open] = []

        def target() -> list[Node]:
            if not stack:
                return root
            top = stack[-1]
            return top.inverse if top.inverse is not None else top.body

        for token in self.tokens:
            if isinstance(token, str):
                if token:
                    target().append(Text(token))
                continue
            kind, line = token.kind, token.line
            if kind == "comment":
                continue
            if kind == "mustache":
                params, _ = _split(token.body, line)
                if not params or not isinstance(params[0], Path):
                    raise TemplateSyntaxError(f"Invalid expression '{token.body}' on line {line}.")
                target().append(Mustache(params[0], escape=not token.raw))
            elif kind == "partial":
                params, _ = _split(token.body, line)
                name = _partial_name(params[0] if params else None, token.body, line)
                context = params[1] if len(params) > 1 else None
                self.calls.append((name, line))
                target().append(PartialCall(name, context))
            elif kind in {"open", "inverse_open", "inline"}:
                stack.append(self._open(token))
            elif kind == "else":
                if not stack or stack[-1].inverse is not None:
                    raise TemplateSyntaxError(f"Unexpected {{{{else}}}} on line {line}.")
                stack[-1].inverse = []
                if token.body:
                    chained = self._open(_Tag("open", token.body, line=line))
                    chained.chained = True
                    stack.append(chained)
            else:  # close
                self._close(token, stack, root)
        if stack:
            opened = stack[-1].tag
            raise TemplateSyntaxError(
                f"Unclosed block '{{{{#{stack[-1].name}}}}}' opened on line {opened.line}."
            )
        for name, line in self.calls:
            if name not in self.partials:
                raise TemplateSyntaxError(f"The partial {name} could not be found (line {line}).")
        return tuple(root)

    def _open(self, tag: _Tag) -> _Open:
        params, hashes = _split(tag.body, tag.line)
        if tag.kind == "inline":
            if len(params) != 2 or params[0] != Path(("inline",), original="inline"):
                raise TemplateSyntaxError(
                    f'Only {{{{#*inline "name"}}}} is supported (line {tag.line}).'
                )
            return _Open(tag, "inline", (params[1],), hashes)
        if not params or not isinstance(params[0], Path):
            raise TemplateSyntaxError(f"Invalid block '{tag.body}' on line {tag.line}.")
        head = params[0]
        name = head.original
        rest = tuple(params[1:])
        if name in BUILTIN_BLOCKS and tag.kind == "inverse_open":
            raise TemplateSyntaxError(f"{{{{^{name}}}}} is not supported (line {tag.line}).")
        if name in BUILTIN_BLOCKS and len(rest) != 1:
            raise TemplateSyntaxError(f"#{name} requires exactly one argument (line {tag.line}).")
        return _Open(tag, name, rest if name in BUILTIN_BLOCKS else (head, *rest), hashes)

    def _close(self, tag: _Tag, stack: list[_Open], root: list[Node]) -> None:
        while True:
            if not stack:
                raise TemplateSyntaxError(f"Unexpected {{{{/{tag.body}}}}} on line {tag.line}.")
            block = stack.pop()
            if not block.chained and block.name != tag.body:
                raise TemplateSyntaxError(
                    f"{block.name} doesn't match {tag.body} (opened on line {block.tag.line}, "
                    f"closed on line {tag.line})."
                )
            if block.name == "inline" and not block.chained:
                name = _partial_name(block.params[0], block.tag.body, block.tag.line)
                self.partials[name] = tuple(block.body)
                return
            node = Block(
                name=block.name,
                params=block.params,
                hash=block.hash,
                body=tuple(block.body),
                inverse=tuple(block.inverse or ()),
                inverted=block.tag.kind == "inverse_open",
            )
            parent = stack[-1] if stack else None
            siblings = (
                root
                if parent is None
                else (parent.inverse if parent.inverse is not None else parent.body)
            )
            siblings.append(node)
            if not block.chained:
                return


def _partial_name(param: Param | None, body: str, line: int) -> str:
    if isinstance(param, Literal) and isinstance(param.value, str):
        return param.value
    if isinstance(param, Path) and not param.data and param.up == 0:
        return param.original
    raise TemplateSyntaxError(f"Unsupported partial '{body}' on line {line}.")


def parse(source: str) -> tuple[tuple[Node, ...], dict[str, tuple[Node, ...]]]:
    """The template's nodes and its inline partials, by name."""
    tokens = _lex(source)
    _strip_whitespace(tokens)
    parser = _Parser(tokens)
    nodes = parser.parse()
    return nodes, parser.partials

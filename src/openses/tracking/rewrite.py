"""Rewrite an HTML body for open and click tracking, with the standard library's HTML parser.

The parser only finds where things are; the edits are made on the original text, so the rest
of the document stays byte for byte: entities, comments, conditional comments, styles. What
changes: the ``href`` of each http(s) ``<a>`` link (``track_link`` gives the new one), the
``ses:no-track`` and ``ses:tags`` attributes of ``<a>`` tags (removed), and the open pixel, which
replaces the first ``{{ses:openTracker}}`` placeholder (the others are removed), or goes before
the last ``</body>``, or at the end.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

from openses.tracking.tokens import LinkTags

TrackLink = Callable[[str, LinkTags], str]

NO_TRACK = "ses:no-track"
TAGS = "ses:tags"
OPEN_TRACKER = "{{ses:openTracker}}"
_SES_ATTRIBUTES = (NO_TRACK, TAGS)
# The same grammar html.parser uses for a start tag's name and its attributes (its private
# tagfind_tolerant and attrfind_tolerant); tests/tracking/test_rewrite_stdlib.py pins both.
_TAG_NAME = re.compile(r"<[a-zA-Z][^\t\n\r\f />\x00]*(?:\s|/(?!>))*")
_ATTRIBUTE = re.compile(
    r"""(?P<name>(?<=['"\s/])[^\s/>][^\s/=>]*)"""
    r"""(?:\s*=+\s*(?P<value>'[^']*'|"[^"]*"|(?!['"])[^>\s]*))?(?:\s|/(?!>))*"""
)
_TAG_PART = re.compile(r"[A-Za-z0-9_-]{1,256}")
_URL_WHITESPACE = re.compile(r"[\t\n\r]")


@dataclass(frozen=True, slots=True)
class _Anchor:
    offset: int
    text: str
    attrs: list[tuple[str, str | None]]


@dataclass(frozen=True, slots=True)
class _Edit:
    start: int
    end: int
    text: str


class _Scanner(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._source = source
        self._line_starts = [0, *(m.end() for m in re.finditer("\n", source))]
        self.anchors: list[_Anchor] = []
        self.body_end: int | None = None

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        text = self.get_starttag_text()
        offset = self._offset()
        if tag == "a" and text is not None and self._source.startswith(text, offset):
            self.anchors.append(_Anchor(offset, text, attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "body":
            self.body_end = self._offset()


def trackable(href: str) -> str | None:
    """The URL a browser would follow, when it is an absolute http(s) URL; else None."""
    url = _URL_WHITESPACE.sub("", href.strip(" \t\n\r\f"))
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def link_tags(value: str) -> LinkTags:
    """``name:value;name2:value2;`` pairs. Names and values follow the message-tag rules
    (ASCII letters, digits, ``_`` and ``-``, at most 256); other pairs are ignored."""
    pairs = []
    for item in value.split(";"):
        name, colon, tag_value = item.strip().partition(":")
        if colon and _TAG_PART.fullmatch(name) and _TAG_PART.fullmatch(tag_value):
            pairs.append((name, tag_value))
    return tuple(pairs)


def pixel(url: str) -> str:
    return (
        f'<img alt="" src="{html.escape(url)}" width="1" height="1" '
        'style="border:0;width:1px;height:1px;" />'
    )


def rewrite(source: str, *, open_pixel_url: str | None, track_link: TrackLink | None) -> str:
    scanner = _Scanner(source)
    scanner.feed(source)
    scanner.close()
    edits = [edit for anchor in scanner.anchors for edit in _anchor_edits(anchor, track_link)]
    placeholder = OPEN_TRACKER in source
    if open_pixel_url is not None and not placeholder:
        end = len(source) if scanner.body_end is None else scanner.body_end
        edits.append(_Edit(end, end, pixel(open_pixel_url)))
    result = _apply(source, edits)
    if placeholder:
        first = pixel(open_pixel_url) if open_pixel_url is not None else ""
        head, _, tail = result.partition(OPEN_TRACKER)
        result = head + first + tail.replace(OPEN_TRACKER, "")
    return result


def _anchor_edits(anchor: _Anchor, track_link: TrackLink | None) -> list[_Edit]:
    spans = _attribute_spans(anchor.text)
    if [name for name, *_ in spans] != [name for name, _ in anchor.attrs]:
        return []  # not the tag the parser saw: leave it alone
    values = dict(reversed(anchor.attrs))  # the first of repeated attributes wins, as browsers
    edits = [
        _Edit(anchor.offset + _removal_start(anchor.text, start, end), anchor.offset + end, "")
        for name, start, end, _ in spans
        if name in _SES_ATTRIBUTES
    ]
    href = values.get("href")
    url = trackable(href) if href is not None else None
    if track_link is None or url is None or NO_TRACK in values:
        return edits
    value_span = next(value for name, _, _, value in spans if name == "href")
    if value_span is None:
        return edits
    new_href = f'"{html.escape(track_link(url, link_tags(values.get(TAGS) or "")))}"'
    start, end = value_span
    edits.append(_Edit(anchor.offset + start, anchor.offset + end, new_href))
    return edits


def _removal_start(tag: str, start: int, end: int) -> int:
    """A last attribute goes with the whitespace before it: ``<a href="x" ses:no-track>``."""
    if tag[end:] in (">", "/>"):
        while start > 0 and tag[start - 1].isspace():
            start -= 1
    return start


def _attribute_spans(tag: str) -> list[tuple[str, int, int, tuple[int, int] | None]]:
    """(lower-cased name, start, end, value span) of each attribute in a raw start tag."""
    found = _TAG_NAME.match(tag)
    if found is None:
        return []
    spans = []
    position = found.end()
    while position < len(tag):
        match = _ATTRIBUTE.match(tag, position)
        if match is None:
            break
        value = match.span("value") if match.group("value") is not None else None
        spans.append((match.group("name").lower(), match.start(), match.end(), value))
        position = match.end()
    return spans


def _apply(source: str, edits: Sequence[_Edit]) -> str:
    pieces = []
    position = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        # removals may overlap where a removed attribute takes the whitespace before it
        pieces.append(source[position : max(position, edit.start)])
        pieces.append(edit.text)
        position = max(position, edit.end)
    pieces.append(source[position:])
    return "".join(pieces)

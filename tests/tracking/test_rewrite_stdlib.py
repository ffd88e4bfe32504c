"""tracking/rewrite.py re-reads each ``<a>`` start tag with copies of the start-tag grammar of
the standard library's ``html.parser`` (its private ``tagfind_tolerant`` and
``attrfind_tolerant``), and places its edits with ``getpos`` and ``get_starttag_text``. These
tests fail loudly when a Python release changes any of that."""

from __future__ import annotations

import html.parser
import re

import pytest

from openses.tracking import rewrite

WHAT_TO_DO = (
    "Python's html.parser changed the start-tag grammar tracking/rewrite.py copies: read the new "
    "html/parser.py, bring _TAG_NAME and _ATTRIBUTE in tracking/rewrite.py in line with it "
    "(the same grammar, with the named groups rewrite uses), then update the pinned patterns here."
)

# html/parser.py as of CPython 3.11.7, the grammar rewrite.py's regexes copy.
TAGFIND_TOLERANT = r"([a-zA-Z][^\t\n\r\f />\x00]*)(?:\s|/(?!>))*"
ATTRFIND_TOLERANT = (
    r"""((?<=[\'"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*"""
    r"""(\'[^\']*\'|"[^"]*"|(?![\'"])[^>\s]*))?(?:\s|/(?!>))*"""
)

TAGS = [
    '<a href="https://example.com/x?a=1&amp;b=2">',
    "<a href='https://example.com/'>",
    "<a href=https://example.com/ class=x>",
    '<A HREF = "https://example.com/" ses:no-track>',
    '<a\nhref="https://example.com/"\tses:tags="k:v;" >',
    '<a href="https://example.com/" title="a > b" />',
    "<a href==https://example.com/ disabled>",
    '<a/href="https://example.com/"/data-x>',
    '<a href="https://example.com/" href="https://other.example/">',
    "<a>",
]


def _stdlib(name: str) -> re.Pattern[str]:
    """A private pattern of html.parser (typeshed does not declare them)."""
    pattern = getattr(html.parser, name, None)
    assert isinstance(pattern, re.Pattern), f"html.parser.{name} is gone. {WHAT_TO_DO}"
    return pattern


def _stdlib_spans(tag: str) -> list[tuple[str, int, int, tuple[int, int] | None]]:
    """The attributes html.parser finds in a start tag, as rewrite._attribute_spans gives them."""
    name = _stdlib("tagfind_tolerant").match(tag, 1)
    assert name is not None
    spans = []
    position = name.end()
    while position < len(tag):
        match = _stdlib("attrfind_tolerant").match(tag, position)
        if match is None:
            break
        value = match.span(3) if match.group(3) is not None else None
        spans.append((match.group(1).lower(), match.start(), match.end(), value))
        position = match.end()
    return spans


def test_html_parser_still_has_the_patterns_rewrite_copies() -> None:
    tagfind, attrfind = _stdlib("tagfind_tolerant"), _stdlib("attrfind_tolerant")
    assert (tagfind.pattern, tagfind.flags) == (TAGFIND_TOLERANT, re.UNICODE), WHAT_TO_DO
    assert (attrfind.pattern, attrfind.flags) == (ATTRFIND_TOLERANT, re.UNICODE), WHAT_TO_DO


@pytest.mark.parametrize("tag", TAGS)
def test_rewrite_reads_a_start_tag_as_html_parser_does(tag: str) -> None:
    assert rewrite._attribute_spans(tag) == _stdlib_spans(tag), WHAT_TO_DO


class _Positions(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.seen: list[tuple[str, tuple[int, int], str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, self.getpos(), self.get_starttag_text()))

    def handle_endtag(self, tag: str) -> None:
        self.seen.append((f"/{tag}", self.getpos(), None))


def test_html_parser_reports_where_each_tag_starts_and_its_raw_text() -> None:
    """rewrite turns getpos() into the offset of the tag's ``<`` and edits the text
    get_starttag_text() gives, as it stands in the source."""
    parser = _Positions()
    parser.feed('<html><body>\n  <p>Hi</p><a\n href="https://example.com/">x</a>\n</body>')
    parser.close()
    assert parser.seen == [
        ("html", (1, 0), "<html>"),
        ("body", (1, 6), "<body>"),
        ("p", (2, 2), "<p>"),
        ("/p", (2, 7), None),
        ("a", (2, 11), '<a\n href="https://example.com/">'),
        ("/a", (3, 30), None),
        ("/body", (4, 0), None),
    ], WHAT_TO_DO

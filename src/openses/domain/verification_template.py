"""Custom verification email templates: the sender, subject, HTML body and the two redirection
URLs of the mail SendCustomVerificationEmail sends (developer guide, custom-verification-emails).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from html.parser import HTMLParser

from openses.domain import names
from openses.domain.errors import CustomVerificationEmailInvalidContent, InvalidInput
from openses.domain.identity import check_email_address
from openses.domain.options import Tag

# Developer guide FAQ Q1: "up to 50 custom verification email templates per Amazon SES account".
MAX_TEMPLATES = 50
# FAQ Q5: templates "may not exceed 10 MB in size".
MAX_CONTENT_BYTES = 10 * 1024 * 1024
# How long a verification link works (developer guide, creating-identities: "The link in the
# verification message expires 24 hours after the message was sent").
LINK_LIFETIME = datetime.timedelta(hours=24)

_COMMON = frozenset({"class", "id", "style", "title"})
# FAQ Q5: the only HTML tags a template may use, each with the attributes it may carry.
ALLOWED_TAGS: dict[str, frozenset[str]] = {
    **{
        tag: _COMMON
        for tag in [
            "abbr",
            "acronym",
            "address",
            "area",
            "b",
            "bdo",
            "big",
            "body",
            "br",
            "button",
            "caption",
            "center",
            "cite",
            "code",
            "dd",
            "del",
            "dfn",
            "dir",
            "div",
            "dl",
            "dt",
            "em",
            "fieldset",
            "font",
            "form",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "head",
            "hr",
            "html",
            "i",
            "input",
            "ins",
            "kbd",
            "label",
            "legend",
            "li",
            "map",
            "menu",
            "optgroup",
            "option",
            "p",
            "pre",
            "s",
            "samp",
            "select",
            "small",
            "span",
            "strike",
            "strong",
            "sub",
            "sup",
            "tbody",
            "textarea",
            "tfoot",
            "thead",
            "tr",
            "tt",
            "u",
            "var",
        ]
    },
    "blockquote": _COMMON | {"cite"},
    "q": _COMMON | {"cite"},
    "col": _COMMON | {"span", "width"},
    "colgroup": _COMMON | {"span", "width"},
    "img": _COMMON | {"align", "alt", "height", "src", "width"},
    "ol": _COMMON | {"start", "type"},
    "ul": _COMMON | {"type"},
    "table": _COMMON | {"summary", "width"},
    "td": _COMMON | {"abbr", "axis", "colspan", "rowspan", "width"},
    "th": _COMMON | {"abbr", "axis", "colspan", "rowspan", "scope", "width"},
}


def check_name(name: str) -> None:
    names.check_name(name, "template", InvalidInput)


def check_content(content: str) -> None:
    """The body's size and its HTML tags and attributes (FAQ Q5)."""
    if len(content.encode("utf-8")) > MAX_CONTENT_BYTES:
        raise CustomVerificationEmailInvalidContent(
            "Custom verification email template content cannot exceed 10 MB."
        )
    checker = _TagCheck()
    checker.feed(content)
    checker.close()
    if checker.refused is not None:
        raise CustomVerificationEmailInvalidContent(checker.refused)


class _TagCheck(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refused: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.refused is not None:
            return
        allowed = ALLOWED_TAGS.get(tag)
        if allowed is None:
            self.refused = f"The HTML tag <{tag}> is not allowed in a custom verification email."
            return
        for name, _ in attrs:
            if name not in allowed:
                self.refused = (
                    f"The attribute {name} of the HTML tag <{tag}> is not allowed in a custom "
                    "verification email."
                )
                return


@dataclass(slots=True, kw_only=True)
class CustomVerificationEmailTemplate:
    name: str
    from_email_address: str
    subject: str
    content: str
    success_redirection_url: str
    failure_redirection_url: str
    created_at: datetime.datetime
    tags: list[Tag] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_name(self.name)
        self.check()

    def check(self) -> None:
        """Every rule but the name's, for a template just changed by an update."""
        check_email_address(self.from_email_address)
        check_content(self.content)

"""The send pipeline's list-management step (issue 20): a send with ListManagementOptions or the
``X-SES-LIST-MANAGEMENT-OPTIONS`` header goes only to contacts still subscribed, and a message
to one recipient carries SES's List-Unsubscribe headers and its unsubscribe URL in place of
``{{amazonSESUnsubscribeUrl}}`` (developer guide, sending-email-subscription-management)."""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from openses.domain.contact_list import (
    MAX_PLACEHOLDERS,
    UNSUBSCRIBE_PLACEHOLDER,
    ListManagement,
    parse_list_management_header,
)
from openses.domain.mailbox import address_of
from openses.mail import mime
from openses.services import contact_lists
from openses.store.unit_of_work import UnitOfWork
from openses.tracking import links, tokens

HEADER = "X-SES-LIST-MANAGEMENT-OPTIONS"
UNSUBSCRIBE_PATH = "/_openses/u/"
# RFC 8058: the exact value a one-click List-Unsubscribe-Post header carries.
ONE_CLICK = "List-Unsubscribe=One-Click"
_SES_HEADERS = ("List-Unsubscribe", "List-Unsubscribe-Post")


def options_of(
    requested: ListManagement | None, raw_headers: Sequence[tuple[str, str]]
) -> ListManagement | None:
    """The call's ListManagementOptions, else the raw message's header."""
    if requested is not None:
        return requested
    for name, value in raw_headers:
        if name.lower() == HEADER.lower():
            return parse_list_management_header(value)
    return None


def template_data(data: str) -> str:
    """A template keeps the placeholder through rendering: SES fills it in afterwards."""
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError):
        return data  # for rendering to report
    if not isinstance(parsed, dict) or "amazonSESUnsubscribeUrl" in parsed:
        return data
    return json.dumps({**parsed, "amazonSESUnsubscribeUrl": UNSUBSCRIBE_PLACEHOLDER})


@dataclass(frozen=True, slots=True)
class Managed:
    content: mime.Content
    refused: set[str]


def apply(
    uow: UnitOfWork,
    tracker: links.Tracker | None,
    options: ListManagement,
    recipients: Sequence[str],
    message_id: str,
    raw_message: EmailMessage | None,
    content: mime.Content,
    now: datetime.datetime,
) -> Managed:
    """Refuse the unsubscribed recipients; with one recipient, add the headers and the URL
    (to ``raw_message`` in place, or to the returned content)."""
    refused = contact_lists.recipients_refused(uow, options, recipients, now)
    if raw_message is not None:
        del raw_message[HEADER]
    url = _url(tracker, uow, options, recipients, message_id)
    if url is None:
        return Managed(content, refused)
    if raw_message is not None:
        for name in _SES_HEADERS:
            del raw_message[name]
        # The URL is one long word: keep it whole (up to RFC 5322's 998), not RFC 2047-encoded.
        raw_message.policy = raw_message.policy.clone(max_line_length=mime.MAX_LINE)
        raw_message["List-Unsubscribe"] = f"<{url}>"
        raw_message["List-Unsubscribe-Post"] = ONE_CLICK
        for part in raw_message.walk():
            _fill_part(part, url)
        return Managed(content, refused)
    headers = [
        (n, v)
        for n, v in content.headers
        if n.lower() not in ("list-unsubscribe", "list-unsubscribe-post")
    ]
    headers += [("List-Unsubscribe", f"<{url}>"), ("List-Unsubscribe-Post", ONE_CLICK)]
    filled = dataclasses.replace(
        content, text=_fill(content.text, url), html=_fill(content.html, url), headers=headers
    )
    return Managed(filled, refused)


def _url(
    tracker: links.Tracker | None,
    uow: UnitOfWork,
    options: ListManagement,
    recipients: Sequence[str],
    message_id: str,
) -> str | None:
    """SES adds the links only to a message with a single recipient (developer guide)."""
    if tracker is None or len(recipients) != 1:
        return None
    key = tracker.keyring.signing_key()
    if key is None:
        return None
    claims = tokens.UnsubscribeClaims(
        account_id=uow.account_id,
        region=uow.region,
        message_id=message_id,
        contact_list=options.contact_list,
        topic=options.topic,
        address=address_of(recipients[0]).lower(),
    )
    return tracker.public_url + UNSUBSCRIBE_PATH + tokens.sign_unsubscribe(claims, key)


def _fill(text: str | None, url: str) -> str | None:
    return None if text is None else text.replace(UNSUBSCRIBE_PLACEHOLDER, url, MAX_PLACEHOLDERS)


def _fill_part(part: object, url: str) -> None:
    if not isinstance(part, EmailMessage) or part.is_multipart() or part.is_attachment():
        return
    if part.get_content_maintype() != "text":
        return
    try:
        original = part.get_content()
    except (LookupError, UnicodeError):
        return
    if not isinstance(original, str) or UNSUBSCRIBE_PLACEHOLDER not in original:
        return
    part.set_content(
        _fill(original, url) or "",
        subtype=part.get_content_subtype(),
        charset=part.get_content_charset() or "utf-8",
    )

"""The unsubscribe endpoint SES hosts for list-managed mail (issue 20): ``GET
/_openses/u/{token}`` shows the contact's topics and preferences, a form POST saves them, and
RFC 8058's one-click POST (``List-Unsubscribe=One-Click``) unsubscribes at once. Mail clients
call it, so it takes no credentials: the signed token names the message, list, topic and
recipient."""

from __future__ import annotations

import html
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from openses.domain.contact_list import SubscriptionStatus
from openses.services import contact_lists
from openses.tracking import tokens
from openses.web.links import INVALID, UNKNOWN, LinkEndpoints, link_page

MAX_BODY_BYTES = 64 * 1024


SAVED = "Your preferences are saved."
UNSUBSCRIBED = "You are unsubscribed."


class UnsubscribeEndpoints(LinkEndpoints):
    async def page(self, request: Request) -> Response:
        recipient = self._recipient(request)
        if isinstance(recipient, Response):
            return recipient
        try:
            found = await run_in_threadpool(contact_lists.preferences_page, self.writes, recipient)
        except contact_lists.UnknownRecipient:
            return link_page(404, UNKNOWN)
        contact_list, contact = found
        rows = []
        for topic in contact_list.topics:
            status = contact.preferences.get(topic.name) or topic.default_status
            choices = "".join(
                f"<label><input type='radio' name='topic:{html.escape(topic.name)}' "
                f"value='{value}'{' checked' if status is value else ''}> {label}</label> "
                for value, label in (
                    (SubscriptionStatus.OPT_IN, "Subscribed"),
                    (SubscriptionStatus.OPT_OUT, "Unsubscribed"),
                )
            )
            description = html.escape(topic.description or "")
            rows.append(
                f"<fieldset><legend>{html.escape(topic.display_name)}</legend>"
                f"<p>{description}</p>{choices}</fieldset>"
            )
        checked = " checked" if contact.unsubscribe_all else ""
        form = (
            f"<p>{html.escape(recipient.address)}</p><form method='post'>{''.join(rows)}"
            f"<label><input type='checkbox' name='unsubscribeAll' value='true'{checked}> "
            "Unsubscribe from all</label> <button type='submit'>Save</button></form>"
        )
        return link_page(200, f"Subscription preferences: {contact_list.name}", form)

    async def submit(self, request: Request) -> Response:
        recipient = self._recipient(request)
        if isinstance(recipient, Response):
            return recipient
        fields = await read_form(request)
        if fields is None:
            return link_page(400, "The form is not readable.")
        now = self.clock()
        try:
            if fields.get("List-Unsubscribe") == "One-Click":
                await run_in_threadpool(
                    contact_lists.unsubscribe_one_click, self.writes, recipient, now
                )
                return link_page(200, UNSUBSCRIBED)
            chosen = {}
            for name, value in fields.items():
                if name.startswith("topic:") and value in SubscriptionStatus.__members__:
                    chosen[name.removeprefix("topic:")] = SubscriptionStatus(value)
            unsubscribe_all = fields.get("unsubscribeAll") == "true"
            await run_in_threadpool(
                contact_lists.save_preferences,
                self.writes,
                recipient,
                chosen,
                unsubscribe_all,
                now,
            )
        except contact_lists.UnknownRecipient:
            return link_page(404, UNKNOWN)
        return link_page(200, SAVED)

    def _recipient(self, request: Request) -> contact_lists.Recipient | Response:
        try:
            claims = tokens.verify_unsubscribe(request.path_params["token"], self.keyring.lookup)
        except tokens.UnknownKey:
            return link_page(404, UNKNOWN)
        except tokens.InvalidToken:
            return link_page(400, INVALID)
        return claims  # the claims name the recipient (contact_lists.Recipient)


async def read_form(request: Request) -> dict[str, str] | None:
    """The POST's fields, from an urlencoded or multipart/form-data body (RFC 8058 allows
    both), read up to MAX_BODY_BYTES; None when the body is too large or unreadable."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            return None
    content_type = request.headers.get("content-type", "")
    if content_type.lower().startswith("multipart/form-data"):
        return _multipart(content_type, bytes(body))
    try:
        text = bytes(body).decode("utf-8")
    except UnicodeDecodeError:
        return None
    return dict(parse_qsl(text, keep_blank_values=True))


def _multipart(content_type: str, body: bytes) -> dict[str, str] | None:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message: Message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        return None
    fields: dict[str, str] = {}
    for part in message.walk():
        if part is message:
            continue
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            fields[name] = payload.decode("utf-8", "replace").strip()
    return fields

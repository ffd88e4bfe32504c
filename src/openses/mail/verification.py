"""The verification emails SES sends to an address being verified: its own (VerifyEmailIdentity,
VerifyEmailAddress, CreateEmailIdentity) and a custom template's (SendCustomVerificationEmail).
"""

from __future__ import annotations

import datetime
import functools
import html

import botocore.session

from openses.mail import mime

# What SES's own verification email says it is (developer guide, creating-identities: the
# subject "Amazon Web Services <en dash> Email Address Verification Request in region RegionName",
# from
# "Amazon Web Services (no-reply-aws@amazon.com)").
SENDER = "Amazon Web Services <no-reply-aws@amazon.com>"
SUBJECT = "Amazon Web Services \N{EN DASH} Email Address Verification Request in region {region}"
# FAQ Q10 of custom-verification-emails: SES adds this notice to every custom verification
# email, after the template's content and the link.
ENFORCEMENT_ADDRESS = "ses-enforcement@amazon.com"
NOTICE = (
    "If you did not request to verify this email address, please disregard this message. If you "
    "have any concerns, please forward this message to the following "
    "<a href='mailto:{address}'>email address</a> along with your questions or comments."
)


@functools.cache
def region_name(region: str) -> str:
    """A region's name as AWS writes it (``US East (N. Virginia)``), from botocore's endpoint
    data; the code itself for a region botocore does not know."""
    endpoints = botocore.session.get_session().get_data("endpoints")
    for partition in endpoints["partitions"]:
        found = partition["regions"].get(region)
        if found is not None:
            return str(found.get("description", region))
    return region


def plain(
    *, to: str, link: str, region: str, message_id_header: str, at: datetime.datetime
) -> tuple[str, bytes]:
    """SES's own verification email: (subject, MIME bytes). The wording of the body is
    openses' (AWS's is not published)."""
    subject = SUBJECT.format(region=region_name(region))
    text = (
        "Dear Amazon Web Services Customer,\n\n"
        f"We have received a request to authorize this email address for use with Amazon SES "
        f"in region {region_name(region)}. To confirm that you are authorized to use this email "
        "address, please go to the following URL to complete the verification:\n\n"
        f"{link}\n\n"
        "Your request will not be processed unless you confirm the address using this URL. "
        "This link expires 24 hours after your original verification request.\n"
    )
    content = mime.Content(subject=subject, text=text)
    envelope = mime.Envelope(source=SENDER, to=[to])
    message = mime.build(envelope, content, message_id_header=message_id_header, date=at)
    return subject, message.as_bytes()


def custom(
    *,
    sender: str,
    to: str,
    subject: str,
    content: str,
    link: str,
    message_id_header: str,
    at: datetime.datetime,
) -> bytes:
    """A custom template's verification email: its HTML content, then the link and SES's
    notice (FAQ Q2 and Q10)."""
    quoted = html.escape(link, quote=True)
    footer = (
        f"<p><a href='{quoted}'>{quoted}</a></p><p>{NOTICE.format(address=ENFORCEMENT_ADDRESS)}</p>"
    )
    body = (
        content.replace("</body>", footer + "</body>", 1)
        if "</body>" in content
        else (content + footer)
    )
    message = mime.build(
        mime.Envelope(source=sender, to=[to]),
        mime.Content(subject=subject, html=body),
        message_id_header=message_id_header,
        date=at,
    )
    return message.as_bytes()

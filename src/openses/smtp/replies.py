"""SES's SMTP replies: one table from domain errors to replies, and SES's wording for the
replies whose text the SMTP library fixes (DG troubleshoot-smtp.md; docs/aws-behaviour.md)."""

from __future__ import annotations

from openses.domain import errors

OK = "250 Ok"
AUTH_SUCCESSFUL = "235 Authentication successful."
AUTH_INVALID = "535 Authentication Credentials Invalid"
AUTH_REQUIRED = "530 Authentication required"
TOO_LONG = "552 Message is too long."
TEMPORARY_FAILURE = "451 Temporary service failure"


def access_denied(user: str, action: str, resource: str) -> str:
    """SES's reply to a send its IAM policies refuse (DG troubleshoot-smtp.md; observed)."""
    return (
        f"554 Access denied: User `{user}' is not authorized to perform `{action}' "
        f"on resource `{resource}'"
    )


# domain error -> the reply's leading words; the error's own message follows them. Lookup
# walks the class's MRO, so the most specific entry wins.
_TABLE: dict[type[errors.OpensesError], str] = {
    errors.MessageRejected: "554 Message rejected:",
    errors.MailFromDomainNotVerified: "554 Message rejected:",
    errors.SendingPaused: "554 Message rejected:",
    errors.InvalidInput: "554 Transaction failed:",
    errors.NotFound: "554 Transaction failed:",
    errors.LimitExceeded: "454 Throttling failure:",
    errors.Throttled: "454 Throttling failure:",
    # issue 18: another account's identity whose policies refuse the send (its v1 wording)
    errors.SendingNotAuthorized: "554 Access denied:",
}

# aiosmtpd's fixed replies -> SES's
LIBRARY_REPLIES = {
    "530 5.7.0 Authentication required": AUTH_REQUIRED,
    "552 Error: Too much mail data": TOO_LONG,
    "552 Error: message size exceeds fixed maximum message size": TOO_LONG,
    "535 5.7.8 Authentication credentials invalid": AUTH_INVALID,
}


def for_error(error: errors.OpensesError) -> str | None:
    """The reply to a send refused with ``error``; None for an error with no reply of SES's
    (the caller answers 451 and logs it)."""
    for cls in type(error).__mro__:
        if cls in _TABLE:
            return f"{_TABLE[cls]} {_one_line(error.message)}"
    return None


def _one_line(text: str) -> str:
    return " ".join(text.split())

"""api/errors.py: every domain error class has its AWS error in v1 and v2, and one that has
none becomes InternalFailure with an error in the log."""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Iterator

import pytest

import openses
from openses.api import errors
from openses.api.errors import WireError
from openses.domain.errors import OpensesError
from openses.protocol.models import V1, V2


def _import_every_module() -> None:
    """Error classes live beside their concept too (domain/message.py's InvalidMessage): load
    every module so that the walk sees them all, whatever ran before."""
    for module in pkgutil.walk_packages(openses.__path__, "openses."):
        if ".migrations" not in module.name and not module.name.endswith("__main__"):
            importlib.import_module(module.name)


def _subclasses(cls: type[OpensesError]) -> Iterator[type[OpensesError]]:
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def _instance(cls: type[OpensesError]) -> OpensesError:
    """An instance without the class's own constructor arguments: only the message matters."""
    error = cls.__new__(cls)
    OpensesError.__init__(error, "v1 words", v2_message="v2 words")
    return error


def _wire_codes(cls: type[OpensesError]) -> tuple[tuple[str, int], tuple[str, int]]:
    v1 = errors.from_domain(V1, _instance(cls))
    v2 = errors.from_domain(V2, _instance(cls))
    assert (v1.message, v2.message) == ("v1 words", "v2 words")
    return (v1.code, v1.status), (v2.code, v2.status)


NOT_FOUND_V1 = ("InvalidParameterValue", 400)
NOT_FOUND_V2 = ("NotFoundException", 404)
BAD_V1 = ("InvalidParameterValue", 400)
BAD_V2 = ("BadRequestException", 400)
EXISTS_V2 = ("AlreadyExistsException", 400)
LIMIT = (("LimitExceeded", 400), ("LimitExceededException", 400))
THROTTLED = (("Throttling", 400), ("TooManyRequestsException", 429))
PAUSED_V2 = ("SendingPausedException", 400)

EXPECTED = {
    "NotFound": (NOT_FOUND_V1, NOT_FOUND_V2),
    "ConfigurationSetNotFound": (("ConfigurationSetDoesNotExist", 400), NOT_FOUND_V2),
    "EventDestinationNotFound": (("EventDestinationDoesNotExist", 400), NOT_FOUND_V2),
    "TrackingOptionsNotFound": (("TrackingOptionsDoesNotExistException", 400), NOT_FOUND_V2),
    "ResourceNotFound": (NOT_FOUND_V1, NOT_FOUND_V2),
    "IdentityNotFound": (NOT_FOUND_V1, NOT_FOUND_V2),
    "SuppressedDestinationNotFound": (NOT_FOUND_V1, NOT_FOUND_V2),
    "TenantNotFound": (NOT_FOUND_V1, NOT_FOUND_V2),
    "TemplateNotFound": (("TemplateDoesNotExist", 400), NOT_FOUND_V2),
    # dedicated IPs are v2 operations only: v1 never raises these
    "DedicatedIpPoolNotFound": (NOT_FOUND_V1, NOT_FOUND_V2),
    "DedicatedIpNotFound": (NOT_FOUND_V1, NOT_FOUND_V2),
    "AlreadyExists": (("AlreadyExists", 400), EXISTS_V2),
    "ConfigurationSetAlreadyExists": (("ConfigurationSetAlreadyExists", 400), EXISTS_V2),
    "EventDestinationAlreadyExists": (("EventDestinationAlreadyExists", 400), EXISTS_V2),
    "TrackingOptionsAlreadyExist": (("TrackingOptionsAlreadyExistsException", 400), EXISTS_V2),
    "IdentityAlreadyExists": (("InvalidParameterValue", 400), EXISTS_V2),
    "TemplateAlreadyExists": (("AlreadyExists", 400), EXISTS_V2),
    "DedicatedIpPoolAlreadyExists": (("AlreadyExists", 400), EXISTS_V2),
    "InvalidInput": (BAD_V1, BAD_V2),
    "InvalidMessage": (BAD_V1, BAD_V2),
    "InvalidConfigurationSetName": (("InvalidConfigurationSet", 400), BAD_V2),
    "InvalidEventDestination": (BAD_V1, BAD_V2),
    "InvalidCloudWatchDestination": (("InvalidCloudWatchDestination", 400), BAD_V2),
    "InvalidFirehoseDestination": (("InvalidFirehoseDestination", 400), BAD_V2),
    "InvalidSnsDestination": (("InvalidSNSDestination", 400), BAD_V2),
    "InvalidEventBridgeDestination": (BAD_V1, BAD_V2),
    "InvalidTrackingOptions": (("InvalidTrackingOptions", 400), BAD_V2),
    "InvalidDeliveryOptions": (("InvalidDeliveryOptions", 400), BAD_V2),
    "InvalidTags": (BAD_V1, BAD_V2),
    "InvalidNextToken": (BAD_V1, BAD_V2),
    "InvalidEmailAddress": (BAD_V1, BAD_V2),
    "InvalidDomain": (BAD_V1, BAD_V2),
    "InvalidTemplate": (("InvalidTemplate", 400), BAD_V2),
    "MissingRenderingAttribute": (("MissingRenderingAttribute", 400), BAD_V2),
    "InvalidRenderingParameter": (("InvalidRenderingParameter", 400), BAD_V2),
    "RefusedRenderingParameter": (("InvalidRenderingParameter", 400), BAD_V2),
    "InvalidIdentity": (BAD_V1, BAD_V2),
    "InvalidNotificationTopic": (BAD_V1, BAD_V2),
    "FeedbackForwardingRequired": (BAD_V1, BAD_V2),
    "InvalidDedicatedIpPool": (BAD_V1, BAD_V2),
    "InvalidDedicatedIp": (BAD_V1, BAD_V2),
    "SendingPoolNotFound": (BAD_V1, BAD_V2),
    "MailFromDomainNotVerified": (
        ("MailFromDomainNotVerifiedException", 400),
        ("MailFromDomainNotVerifiedException", 400),
    ),
    "LimitExceeded": LIMIT,
    "ConfigurationSetLimitExceeded": LIMIT,
    "EventDestinationLimitExceeded": LIMIT,
    "MessageRejected": (("MessageRejected", 400), ("MessageRejected", 400)),
    "SendingPaused": (("AccountSendingPausedException", 400), PAUSED_V2),
    "AccountSendingPaused": (("AccountSendingPausedException", 400), PAUSED_V2),
    "ConfigurationSetSendingPaused": (("ConfigurationSetSendingPausedException", 400), PAUSED_V2),
    # issue 20: v2 only (v1 has no contact lists)
    "ContactListNotFound": (NOT_FOUND_V1, NOT_FOUND_V2),
    "ContactNotFound": (NOT_FOUND_V1, NOT_FOUND_V2),
    "ContactAlreadyExists": (("AlreadyExists", 400), EXISTS_V2),
    "InvalidContactList": (BAD_V1, BAD_V2),
    "ContactListLimitExceeded": (BAD_V1, BAD_V2),
    # issue 16: email receiving
    "RuleSetNotFound": (("RuleSetDoesNotExist", 400), NOT_FOUND_V2),
    "RuleNotFound": (("RuleDoesNotExist", 400), NOT_FOUND_V2),
    "RuleSetAlreadyExists": (("AlreadyExists", 400), EXISTS_V2),
    "RuleAlreadyExists": (("AlreadyExists", 400), EXISTS_V2),
    "ReceiptFilterAlreadyExists": (("AlreadyExists", 400), EXISTS_V2),
    "CannotDelete": (("CannotDelete", 400), BAD_V2),
    "InvalidReceiptAction": (BAD_V1, BAD_V2),
    "InvalidS3Configuration": (("InvalidS3Configuration", 400), BAD_V2),
    "InvalidSnsTopic": (("InvalidSnsTopic", 400), BAD_V2),
    "InvalidLambdaFunction": (("InvalidLambdaFunction", 400), BAD_V2),
    # issue 20: verification emails and import/export jobs
    "CustomVerificationEmailTemplateNotFound": (
        ("CustomVerificationEmailTemplateDoesNotExist", 400),
        NOT_FOUND_V2,
    ),
    "CustomVerificationEmailTemplateAlreadyExists": (
        ("CustomVerificationEmailTemplateAlreadyExists", 400),
        EXISTS_V2,
    ),
    "CustomVerificationEmailInvalidContent": (
        ("CustomVerificationEmailInvalidContent", 400),
        BAD_V2,
    ),
    "FromEmailAddressNotVerified": (("FromEmailAddressNotVerified", 400), BAD_V2),
    "CustomVerificationEmailTemplateLimitExceeded": (
        ("LimitExceeded", 400),
        ("LimitExceededException", 400),
    ),
    "JobNotFound": (NOT_FOUND_V1, NOT_FOUND_V2),
    # issue 20: tenants (v2 only)
    "TenantAlreadyExists": (("AlreadyExists", 400), EXISTS_V2),
    "TenantSendingPaused": (("AccountSendingPausedException", 400), PAUSED_V2),
    "ResourceNotInTenant": (BAD_V1, BAD_V2),
    "ResourceSendingPaused": (("AccountSendingPausedException", 400), PAUSED_V2),
    # issues 17 and 18: quotas, the sandbox and throttling
    "TemplateLimitExceeded": LIMIT,
    "IdentityLimitExceeded": LIMIT,
    "RecipientNotVerified": (("MessageRejected", 400), ("MessageRejected", 400)),
    "Throttled": THROTTLED,
    "MaximumSendingRateExceeded": THROTTLED,
    "DailyQuotaExceeded": THROTTLED,
    "RequestRateExceeded": THROTTLED,
    # issue 18: sending authorization
    "InvalidPolicy": (("InvalidPolicy", 400), BAD_V2),
    "PolicyAlreadyExists": (("AlreadyExists", 400), EXISTS_V2),
    "PolicyLimitExceeded": (("LimitExceeded", 400), ("LimitExceededException", 400)),
    "InvalidIdentityArn": (BAD_V1, BAD_V2),
    "SendingNotAuthorized": (("AccessDenied", 403), ("AccessDeniedException", 403)),
}


def test_every_domain_error_has_an_aws_error_in_v1_and_v2() -> None:
    _import_every_module()
    ours = [cls for cls in _subclasses(OpensesError) if cls.__module__.startswith("openses.")]
    assert {cls.__name__: _wire_codes(cls) for cls in ours} == EXPECTED


class UnmappedError(OpensesError):
    """A domain error api/errors.py has never heard of (this module's, not openses')."""


@pytest.mark.parametrize("service", [V1, V2])
def test_an_unmapped_domain_error_is_internal_failure_logged_at_error(
    service: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="openses.api"):
        wire = errors.from_domain(service, UnmappedError("secret detail"))
    assert wire == WireError("InternalFailure", "An internal error occurred.", 500, False)
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
        (
            "openses.api",
            logging.ERROR,
            "domain error UnmappedError has no AWS error in api/errors.py; answered "
            "InternalFailure",
        )
    ]
    assert caplog.records[0].exc_info is not None
    assert caplog.records[0].exc_info[1] is not None
    assert str(caplog.records[0].exc_info[1]) == "secret detail"

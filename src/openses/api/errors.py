"""The one table from domain errors to wire errors. Codes and statuses come from the models."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from openses.domain import errors as domain
from openses.protocol.errors import AccessError, ProtocolError
from openses.protocol.models import V1, V2, error_shapes

log = logging.getLogger("openses.api")


@dataclass(frozen=True, slots=True)
class WireError:
    code: str
    message: str
    status: int
    sender_fault: bool = True


# domain error -> (v1 error shape, v2 error shape). Names absent from a model are sent as
# literal codes with status 400 (AWS's generic Query codes such as InvalidParameterValue).
_TABLE: dict[type[domain.OpensesError], tuple[str, str]] = {
    domain.ConfigurationSetNotFound: ("ConfigurationSetDoesNotExistException", "NotFoundException"),
    domain.EventDestinationNotFound: ("EventDestinationDoesNotExistException", "NotFoundException"),
    domain.TrackingOptionsNotFound: ("TrackingOptionsDoesNotExistException", "NotFoundException"),
    domain.IdentityNotFound: ("InvalidParameterValue", "NotFoundException"),
    domain.SuppressedDestinationNotFound: ("InvalidParameterValue", "NotFoundException"),
    domain.TemplateNotFound: ("TemplateDoesNotExistException", "NotFoundException"),
    # email receiving (issue 16 §3): v1 only; the v2 names are never used
    domain.RuleSetNotFound: ("RuleSetDoesNotExistException", "NotFoundException"),
    domain.RuleNotFound: ("RuleDoesNotExistException", "NotFoundException"),
    domain.CannotDelete: ("CannotDeleteException", "BadRequestException"),
    domain.InvalidS3Configuration: ("InvalidS3ConfigurationException", "BadRequestException"),
    domain.InvalidSnsTopic: ("InvalidSnsTopicException", "BadRequestException"),
    domain.InvalidLambdaFunction: ("InvalidLambdaFunctionException", "BadRequestException"),
    domain.NotFound: ("InvalidParameterValue", "NotFoundException"),
    domain.ConfigurationSetAlreadyExists: (
        "ConfigurationSetAlreadyExistsException",
        "AlreadyExistsException",
    ),
    domain.EventDestinationAlreadyExists: (
        "EventDestinationAlreadyExistsException",
        "AlreadyExistsException",
    ),
    domain.TrackingOptionsAlreadyExist: (
        "TrackingOptionsAlreadyExistsException",
        "AlreadyExistsException",
    ),
    domain.IdentityAlreadyExists: ("InvalidParameterValue", "AlreadyExistsException"),
    domain.TemplateAlreadyExists: ("AlreadyExistsException", "AlreadyExistsException"),
    domain.AlreadyExists: ("AlreadyExistsException", "AlreadyExistsException"),
    domain.InvalidConfigurationSetName: (
        "InvalidConfigurationSetException",
        "BadRequestException",
    ),
    domain.InvalidCloudWatchDestination: (
        "InvalidCloudWatchDestinationException",
        "BadRequestException",
    ),
    domain.InvalidFirehoseDestination: (
        "InvalidFirehoseDestinationException",
        "BadRequestException",
    ),
    domain.InvalidSnsDestination: ("InvalidSNSDestinationException", "BadRequestException"),
    domain.InvalidEventBridgeDestination: ("InvalidParameterValue", "BadRequestException"),
    domain.InvalidTrackingOptions: ("InvalidTrackingOptionsException", "BadRequestException"),
    domain.InvalidDeliveryOptions: ("InvalidDeliveryOptionsException", "BadRequestException"),
    domain.InvalidEmailAddress: ("InvalidParameterValue", "BadRequestException"),
    domain.InvalidDomain: ("InvalidParameterValue", "BadRequestException"),
    domain.InvalidTemplate: ("InvalidTemplateException", "BadRequestException"),
    domain.MissingRenderingAttribute: (
        "MissingRenderingAttributeException",
        "BadRequestException",
    ),
    domain.InvalidRenderingParameter: (
        "InvalidRenderingParameterException",
        "BadRequestException",
    ),
    domain.InvalidPolicy: ("InvalidPolicyException", "BadRequestException"),  # issue 18
    domain.InvalidInput: ("InvalidParameterValue", "BadRequestException"),
    domain.ContactListNotFound: ("InvalidParameterValue", "NotFoundException"),  # v2 only
    domain.ContactNotFound: ("InvalidParameterValue", "NotFoundException"),
    domain.ContactAlreadyExists: ("AlreadyExistsException", "AlreadyExistsException"),
    domain.InvalidContactList: ("InvalidParameterValue", "BadRequestException"),
    domain.LimitExceeded: ("LimitExceededException", "LimitExceededException"),
    # custom verification email templates (issue 20)
    domain.CustomVerificationEmailTemplateNotFound: (
        "CustomVerificationEmailTemplateDoesNotExistException",
        "NotFoundException",
    ),
    domain.CustomVerificationEmailTemplateAlreadyExists: (
        "CustomVerificationEmailTemplateAlreadyExistsException",
        "AlreadyExistsException",
    ),
    domain.CustomVerificationEmailInvalidContent: (
        "CustomVerificationEmailInvalidContentException",
        "BadRequestException",
    ),
    domain.FromEmailAddressNotVerified: (
        "FromEmailAddressNotVerifiedException",
        "BadRequestException",
    ),
    # issues 17/18: v1's code is AWS's common Query error, absent from the SES model (HTTP 400)
    domain.Throttled: ("Throttling", "TooManyRequestsException"),
    domain.MessageRejected: ("MessageRejected", "MessageRejected"),
    # issue 18: a common AWS error, in neither model; 403 (_STATUS)
    domain.SendingNotAuthorized: ("AccessDenied", "AccessDeniedException"),
    domain.MailFromDomainNotVerified: (  # issue 15
        "MailFromDomainNotVerifiedException",
        "MailFromDomainNotVerifiedException",
    ),
    # SendingPaused is raised only as one of its two subclasses; v1 has no code for both.
    domain.SendingPaused: ("AccountSendingPausedException", "SendingPausedException"),
    domain.AccountSendingPaused: ("AccountSendingPausedException", "SendingPausedException"),
    domain.ConfigurationSetSendingPaused: (
        "ConfigurationSetSendingPausedException",
        "SendingPausedException",
    ),
}


# statuses of the literal codes above that are not 400
_STATUS = {"AccessDenied": 403, "AccessDeniedException": 403}


def shape_names(error_type: type[domain.OpensesError]) -> tuple[str, str] | None:
    """The (v1, v2) error shapes of a domain error class, from its nearest mapped class."""
    for cls in error_type.__mro__:
        if cls in _TABLE:
            return _TABLE[cls]
    return None


def from_domain(service: str, error: domain.OpensesError) -> WireError:
    names = shape_names(type(error))
    if names is None:
        # A domain error nobody mapped is a bug of ours: the caller sees InternalFailure.
        log.error(
            "domain error %s has no AWS error in api/errors.py; answered InternalFailure",
            type(error).__qualname__,
            exc_info=error,
        )
        return internal_failure()
    v1_name, v2_name = names
    if service == V1:
        return _wire(V1, v1_name, error.message)
    return _wire(V2, v2_name, error.v2_message)


def from_protocol(service: str, error: ProtocolError) -> WireError:
    if service == V2 and isinstance(error, AccessError):
        return WireError(error.v2_code, error.v2_message, error.status)
    if service == V2 and error.code == "ValidationError":
        return _wire(V2, "BadRequestException", error.message)
    return WireError(error.code, error.message, error.status)


def service_unavailable() -> WireError:
    """AWS's answer to a request that failed for a temporary reason on the server's side; the
    SDKs retry it (a 503)."""
    return WireError(
        "ServiceUnavailable",
        "The request has failed due to a temporary failure of the server.",
        503,
        sender_fault=False,
    )


def internal_failure() -> WireError:
    return WireError("InternalFailure", "An internal error occurred.", 500, sender_fault=False)


def _wire(service: str, shape_name: str, message: str) -> WireError:
    shape = error_shapes(service).get(shape_name)
    if shape is None:
        return WireError(shape_name, message, _STATUS.get(shape_name, 400))
    meta = shape.metadata["error"]
    code = meta.get("code", shape_name) if service == V1 else shape_name
    return WireError(code, message, meta.get("httpStatusCode", 400), meta.get("senderFault", True))

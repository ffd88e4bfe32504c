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


ErrorType = type[domain.OpensesError]


def _v2_shape(shape_name: str, v1_shapes: dict[ErrorType, str]) -> dict[ErrorType, tuple[str, str]]:
    """The rows of the domain errors that v2 answers with ``shape_name``, each with its v1 shape."""
    return {error_type: (v1_shape, shape_name) for error_type, v1_shape in v1_shapes.items()}


# domain error -> (v1 error shape, v2 error shape), grouped by the v2 shape. Names absent from a
# model are sent as literal codes with status 400 (AWS's generic Query codes such as
# InvalidParameterValue).
_TABLE: dict[ErrorType, tuple[str, str]] = {
    **_v2_shape(
        "NotFoundException",
        {
            domain.ConfigurationSetNotFound: "ConfigurationSetDoesNotExistException",
            domain.EventDestinationNotFound: "EventDestinationDoesNotExistException",
            domain.TrackingOptionsNotFound: "TrackingOptionsDoesNotExistException",
            domain.IdentityNotFound: "InvalidParameterValue",
            domain.SuppressedDestinationNotFound: "InvalidParameterValue",
            domain.TemplateNotFound: "TemplateDoesNotExistException",
            # email receiving (issue 16 §3): v1 only; the v2 name is never used
            domain.RuleSetNotFound: "RuleSetDoesNotExistException",
            domain.RuleNotFound: "RuleDoesNotExistException",
            domain.NotFound: "InvalidParameterValue",
            domain.ContactListNotFound: "InvalidParameterValue",  # v2 only
            domain.ContactNotFound: "InvalidParameterValue",
            # custom verification email templates (issue 20)
            domain.CustomVerificationEmailTemplateNotFound: (
                "CustomVerificationEmailTemplateDoesNotExistException"
            ),
        },
    ),
    **_v2_shape(
        "AlreadyExistsException",
        {
            domain.ConfigurationSetAlreadyExists: "ConfigurationSetAlreadyExistsException",
            domain.EventDestinationAlreadyExists: "EventDestinationAlreadyExistsException",
            domain.TrackingOptionsAlreadyExist: "TrackingOptionsAlreadyExistsException",
            domain.IdentityAlreadyExists: "InvalidParameterValue",
            domain.TemplateAlreadyExists: "AlreadyExistsException",
            domain.AlreadyExists: "AlreadyExistsException",
            domain.ContactAlreadyExists: "AlreadyExistsException",
            domain.CustomVerificationEmailTemplateAlreadyExists: (
                "CustomVerificationEmailTemplateAlreadyExistsException"
            ),
        },
    ),
    **_v2_shape(
        "BadRequestException",
        {
            # email receiving (issue 16 §3): v1 only
            domain.CannotDelete: "CannotDeleteException",
            domain.InvalidS3Configuration: "InvalidS3ConfigurationException",
            domain.InvalidSnsTopic: "InvalidSnsTopicException",
            domain.InvalidLambdaFunction: "InvalidLambdaFunctionException",
            domain.InvalidConfigurationSetName: "InvalidConfigurationSetException",
            domain.InvalidCloudWatchDestination: "InvalidCloudWatchDestinationException",
            domain.InvalidFirehoseDestination: "InvalidFirehoseDestinationException",
            domain.InvalidSnsDestination: "InvalidSNSDestinationException",
            domain.InvalidEventBridgeDestination: "InvalidParameterValue",
            domain.InvalidTrackingOptions: "InvalidTrackingOptionsException",
            domain.InvalidDeliveryOptions: "InvalidDeliveryOptionsException",
            domain.InvalidEmailAddress: "InvalidParameterValue",
            domain.InvalidDomain: "InvalidParameterValue",
            domain.InvalidTemplate: "InvalidTemplateException",
            domain.MissingRenderingAttribute: "MissingRenderingAttributeException",
            domain.InvalidRenderingParameter: "InvalidRenderingParameterException",
            domain.InvalidPolicy: "InvalidPolicyException",  # issue 18
            domain.InvalidInput: "InvalidParameterValue",
            domain.InvalidContactList: "InvalidParameterValue",
            domain.CustomVerificationEmailInvalidContent: (
                "CustomVerificationEmailInvalidContentException"
            ),
            domain.FromEmailAddressNotVerified: "FromEmailAddressNotVerifiedException",
        },
    ),
    **_v2_shape(
        "SendingPausedException",
        {
            # SendingPaused is raised only as one of its two subclasses; v1 has no code for both.
            domain.SendingPaused: "AccountSendingPausedException",
            domain.AccountSendingPaused: "AccountSendingPausedException",
            domain.ConfigurationSetSendingPaused: "ConfigurationSetSendingPausedException",
        },
    ),
    domain.LimitExceeded: ("LimitExceededException", "LimitExceededException"),
    # issues 17/18: v1's code is AWS's common Query error, absent from the SES model (HTTP 400)
    domain.Throttled: ("Throttling", "TooManyRequestsException"),
    domain.MessageRejected: ("MessageRejected", "MessageRejected"),
    # issue 18: a common AWS error, in neither model; 403 (_STATUS)
    domain.SendingNotAuthorized: ("AccessDenied", "AccessDeniedException"),
    domain.MailFromDomainNotVerified: (  # issue 15
        "MailFromDomainNotVerifiedException",
        "MailFromDomainNotVerifiedException",
    ),
}


# statuses of the literal codes above that are not 400
_STATUS = {"AccessDenied": 403, "AccessDeniedException": 403}


def shape_names(error_type: ErrorType) -> tuple[str, str] | None:
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

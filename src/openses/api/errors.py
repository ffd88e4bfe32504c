"""The one table from domain errors to wire errors. Codes and statuses come from the models."""

from __future__ import annotations

from dataclasses import dataclass

from openses.domain import errors as domain
from openses.protocol.errors import ProtocolError
from openses.protocol.models import V1, V2, error_shapes


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
    domain.InvalidInput: ("InvalidParameterValue", "BadRequestException"),
    domain.LimitExceeded: ("LimitExceededException", "LimitExceededException"),
    domain.MessageRejected: ("MessageRejected", "MessageRejected"),
    domain.MailFromDomainNotVerified: (  # issue 15
        "MailFromDomainNotVerifiedException",
        "MailFromDomainNotVerifiedException",
    ),
    domain.AccountSendingPaused: ("AccountSendingPausedException", "SendingPausedException"),
    domain.ConfigurationSetSendingPaused: (
        "ConfigurationSetSendingPausedException",
        "SendingPausedException",
    ),
}


def from_domain(service: str, error: domain.OpensesError) -> WireError:
    for cls in type(error).__mro__:
        if cls in _TABLE:
            v1_name, v2_name = _TABLE[cls]
            if service == V1:
                return _wire(V1, v1_name, error.message)
            return _wire(V2, v2_name, error.v2_message)
    return internal_failure()


def from_protocol(service: str, error: ProtocolError) -> WireError:
    if service == V2 and error.code == "ValidationError":
        return _wire(V2, "BadRequestException", error.message)
    return WireError(error.code, error.message, error.status)


def internal_failure() -> WireError:
    return WireError("InternalFailure", "An internal error occurred.", 500, sender_fault=False)


def _wire(service: str, shape_name: str, message: str) -> WireError:
    shape = error_shapes(service).get(shape_name)
    if shape is None:
        return WireError(shape_name, message, 400)
    meta = shape.metadata["error"]
    code = meta.get("code", shape_name) if service == V1 else shape_name
    return WireError(code, message, meta.get("httpStatusCode", 400), meta.get("senderFault", True))

"""Domain errors. The API layer maps each class to its v1 and v2 wire error in one table.

OpensesError
├── NotFound
│   ├── ConfigurationSetNotFound
│   ├── EventDestinationNotFound
│   ├── TrackingOptionsNotFound
│   ├── ResourceNotFound
│   ├── IdentityNotFound
│   ├── SuppressedDestinationNotFound
│   ├── TenantNotFound
│   ├── TemplateNotFound
│   ├── DedicatedIpPoolNotFound
│   ├── DedicatedIpNotFound
│   ├── ContactListNotFound
│   ├── ContactNotFound
│   ├── RuleSetNotFound
│   ├── RuleNotFound
│   ├── CustomVerificationEmailTemplateNotFound
│   └── JobNotFound
├── MailFromDomainNotVerified
├── AlreadyExists
│   ├── ConfigurationSetAlreadyExists
│   ├── EventDestinationAlreadyExists
│   ├── TrackingOptionsAlreadyExist
│   ├── IdentityAlreadyExists
│   ├── TemplateAlreadyExists
│   ├── DedicatedIpPoolAlreadyExists
│   ├── ContactAlreadyExists
│   ├── RuleSetAlreadyExists
│   ├── RuleAlreadyExists
│   ├── ReceiptFilterAlreadyExists
│   ├── CustomVerificationEmailTemplateAlreadyExists
│   └── PolicyAlreadyExists
├── CannotDelete
├── InvalidInput
│   ├── InvalidConfigurationSetName
│   ├── InvalidEventDestination
│   │   ├── InvalidCloudWatchDestination
│   │   ├── InvalidFirehoseDestination
│   │   ├── InvalidSnsDestination
│   │   └── InvalidEventBridgeDestination
│   ├── InvalidTrackingOptions
│   ├── InvalidDeliveryOptions
│   ├── InvalidTags
│   ├── InvalidNextToken
│   ├── InvalidEmailAddress
│   ├── InvalidDomain
│   ├── InvalidTemplate
│   ├── MissingRenderingAttribute
│   ├── InvalidRenderingParameter
│   │   └── RefusedRenderingParameter
│   ├── InvalidIdentity
│   ├── InvalidNotificationTopic
│   ├── FeedbackForwardingRequired
│   ├── InvalidDedicatedIpPool
│   ├── InvalidDedicatedIp
│   ├── SendingPoolNotFound
│   ├── InvalidContactList
│   │   └── ContactListLimitExceeded
│   ├── InvalidReceiptAction
│   │   ├── InvalidS3Configuration
│   │   ├── InvalidSnsTopic
│   │   └── InvalidLambdaFunction
│   ├── CustomVerificationEmailInvalidContent
│   ├── FromEmailAddressNotVerified
│   ├── InvalidPolicy
│   └── InvalidIdentityArn
├── LimitExceeded
│   ├── ConfigurationSetLimitExceeded
│   ├── EventDestinationLimitExceeded
│   ├── CustomVerificationEmailTemplateLimitExceeded
│   ├── TemplateLimitExceeded
│   ├── IdentityLimitExceeded
│   └── PolicyLimitExceeded
├── Throttled
│   ├── MaximumSendingRateExceeded
│   ├── DailyQuotaExceeded
│   └── RequestRateExceeded
├── MessageRejected
│   └── RecipientNotVerified
├── SendingNotAuthorized
└── SendingPaused
    ├── AccountSendingPaused
    └── ConfigurationSetSendingPaused
"""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

Value = TypeVar("Value", str, int)


class TemplatedMessage(Exception, Generic[Value]):
    """A domain error whose message is its class's ``wording`` with the one value it is raised
    with in place of ``{}``. Listed before the error's OpensesError base, whose ``__init__`` it
    calls with the message; not an OpensesError itself (the API's error table never sees it)."""

    wording: ClassVar[str]

    def __init__(self, value: Value) -> None:
        super().__init__(self.wording.format(value))


class OpensesError(Exception):
    def __init__(self, message: str, *, v2_message: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        # Where v2 words the same error differently from v1.
        self.v2_message = v2_message or message


class NotFound(OpensesError):
    pass


class ConfigurationSetNotFound(TemplatedMessage[str], NotFound):
    wording = "Configuration set <{}> does not exist."


class EventDestinationNotFound(NotFound):
    def __init__(self, configuration_set: str, name: str) -> None:
        super().__init__(
            f"No EventDestination found for {configuration_set}",
            v2_message=f"An event destination with name <{name}> does not exist for "
            f"configuration set <{configuration_set}>.",
        )


class TrackingOptionsNotFound(TemplatedMessage[str], NotFound):
    wording = "There are no tracking options for configuration set <{}>"


class ResourceNotFound(NotFound):
    pass


class IdentityNotFound(TemplatedMessage[str], NotFound):
    wording = "Email identity {} does not exist."


class SuppressedDestinationNotFound(TemplatedMessage[str], NotFound):
    wording = "Email address {} does not exist on your suppression list."


class TenantNotFound(TemplatedMessage[str], NotFound):
    wording = "Tenant {} does not exist."


class TemplateNotFound(NotFound):
    def __init__(self, name: str) -> None:
        super().__init__(f"Template {name} does not exist.")
        self.template_name = name


# -- dedicated IP pools (issue 15) ------------------------------------------------------------


class DedicatedIpPoolNotFound(TemplatedMessage[str], NotFound):
    # EMU: floci-io/floci#1421 (GetDedicatedIpPool, DeleteDedicatedIpPool, probed on AWS).
    wording = "The requested pool <{}> does not exist."


class DedicatedIpNotFound(TemplatedMessage[str], NotFound):
    # EMU: floci-io/floci#3420; the same words in Yandex Cloud Postbox's SES v2 docs.
    wording = "Could not find dedicated IP <{}> under this account."


class AlreadyExists(OpensesError):
    pass


class ConfigurationSetAlreadyExists(TemplatedMessage[str], AlreadyExists):
    wording = "Configuration set <{}> already exists."


class EventDestinationAlreadyExists(AlreadyExists):
    def __init__(self, configuration_set: str, name: str) -> None:
        super().__init__(
            f"An event destination with name <{name}> already exists for configuration set "
            f"<{configuration_set}>."
        )


class TrackingOptionsAlreadyExist(TemplatedMessage[str], AlreadyExists):
    wording = "Configuration set <{}> already has tracking options."


class IdentityAlreadyExists(TemplatedMessage[str], AlreadyExists):
    # sic: AWS says "already exist" (anomalyco/sst#4556).
    wording = "Email identity {} already exist."


class TemplateAlreadyExists(AlreadyExists):
    def __init__(self, name: str) -> None:
        super().__init__(f"Template {name} already exists.")
        self.template_name = name


class InvalidInput(OpensesError):
    pass


class InvalidConfigurationSetName(InvalidInput):
    pass


class InvalidEventDestination(InvalidInput):
    pass


class InvalidCloudWatchDestination(InvalidEventDestination):
    pass


class InvalidFirehoseDestination(InvalidEventDestination):
    pass


class InvalidSnsDestination(InvalidEventDestination):
    pass


class InvalidEventBridgeDestination(InvalidEventDestination):
    pass


class InvalidTrackingOptions(InvalidInput):
    pass


class InvalidDeliveryOptions(InvalidInput):
    pass


class InvalidTags(InvalidInput):
    pass


class InvalidNextToken(TemplatedMessage[str], InvalidInput):
    wording = "invalid nextToken {}"


class InvalidEmailAddress(InvalidInput):
    pass


class InvalidDomain(InvalidInput):
    pass


class InvalidTemplate(InvalidInput):
    def __init__(self, message: str, *, template_name: str | None = None) -> None:
        super().__init__(message)
        self.template_name = template_name


class MissingRenderingAttribute(InvalidInput):
    def __init__(self, template_name: str, attribute: str) -> None:
        super().__init__(f"Attribute '{attribute}' is not present in the rendering data.")
        self.template_name = template_name
        self.attribute = attribute


class InvalidRenderingParameter(InvalidInput):
    pass


class InvalidNotificationTopic(TemplatedMessage[str], InvalidInput):
    """SetIdentityNotificationTopic with a value that is not an SNS topic ARN (GUESS wording,
    in the form of AWS's recorded ``SNS topic ARN ...`` errors; docs/aws-behaviour.md)."""

    wording = "SNS topic {} is not a valid topic ARN."


class RefusedRenderingParameter(InvalidRenderingParameter):
    """Template data no send can use, refused by the call itself rather than reported as a
    Rendering Failure event: data beyond the JSON reader's bounds, or a rendered subject with a
    line break (which would inject a header)."""


class InvalidIdentity(TemplatedMessage[str], InvalidInput):
    """An identity-notification call naming an identity this account does not have."""

    # REC: boto/boto3#2645 (SetIdentityNotificationTopic).
    wording = "Identity {} is invalid. Must be a verified email address or domain."


class FeedbackForwardingRequired(InvalidInput):
    def __init__(self) -> None:
        # GUESS: AWS's wording is unrecorded; this is the API reference's sentence.
        super().__init__(
            "Feedback forwarding can only be disabled when Amazon SNS topics are specified for "
            "both bounces and complaints."
        )


class DedicatedIpPoolAlreadyExists(TemplatedMessage[str], AlreadyExists):
    # EMU: floci-io/floci#1421 (CreateDedicatedIpPool, probed on AWS).
    wording = "The pool <{}> already exists."


class InvalidDedicatedIpPool(InvalidInput):
    pass


class InvalidDedicatedIp(InvalidInput):
    pass


class SendingPoolNotFound(TemplatedMessage[str], InvalidInput):
    """A configuration set's SendingPoolName naming no pool: a BadRequest, not a NotFound."""

    # REC: aws-cloudformation/rain#271 (AWS::SES::ConfigurationSet); EMU: floci-io/floci#1412.
    wording = "SendingPool <{}> doesn't exist"


class LimitExceeded(OpensesError):
    pass


class ConfigurationSetLimitExceeded(TemplatedMessage[int], LimitExceeded):
    wording = "Maximum number of configuration sets ({}) reached."


class EventDestinationLimitExceeded(LimitExceeded):
    def __init__(self, configuration_set: str, limit: int) -> None:
        super().__init__(
            f"Configuration set <{configuration_set}> already has the maximum number of event "
            f"destinations ({limit})."
        )


class TemplateLimitExceeded(TemplatedMessage[int], LimitExceeded):
    # INFERRED wording (docs/aws-behaviour.md, "Quotas, sandbox and throttling")
    wording = "Maximum number of templates ({}) reached."


class IdentityLimitExceeded(TemplatedMessage[int], LimitExceeded):
    # INFERRED wording (docs/aws-behaviour.md, "Quotas, sandbox and throttling")
    wording = "Maximum number of identities ({}) reached."


class Throttled(OpensesError):
    """A send over the account's sending quota, or an API call over its request rate."""


class MaximumSendingRateExceeded(Throttled):
    def __init__(self) -> None:
        super().__init__("Maximum sending rate exceeded.")


class DailyQuotaExceeded(Throttled):
    def __init__(self) -> None:
        super().__init__("Daily message quota exceeded.")


class RequestRateExceeded(Throttled):
    """OPENSES_THROTTLE=aws: more API calls than SES's one a second."""

    def __init__(self) -> None:
        super().__init__(
            "Rate exceeded", v2_message="Too many requests have been made to the operation."
        )


class MessageRejected(OpensesError):
    pass


class RecipientNotVerified(MessageRejected):
    """The sandbox: recipients that are not verified identities of the account."""

    def __init__(self, region: str, addresses: list[str]) -> None:
        super().__init__(
            "Email address is not verified. The following identities failed the check in "
            f"region {region.upper()}: {', '.join(addresses)}"
        )


class MailFromDomainNotVerified(OpensesError):
    """A send from an identity whose custom MAIL FROM domain is not SUCCESS while its
    BehaviorOnMxFailure is REJECT_MESSAGE (issue 15; GUESS wording, AWS's is unrecorded)."""

    def __init__(self, identity: str, mail_from_domain: str) -> None:
        super().__init__(
            f"The custom MAIL FROM domain <{mail_from_domain}> of identity <{identity}> is not "
            "verified, and the identity rejects messages while it is not."
        )


class SendingPaused(OpensesError):
    pass


class AccountSendingPaused(SendingPaused):
    def __init__(self) -> None:
        super().__init__("Sending is paused for this account.")


class ConfigurationSetSendingPaused(SendingPaused):
    def __init__(self, name: str) -> None:
        super().__init__("Sending is paused for this configuration set.")
        self.configuration_set = name


# -- contact lists and contacts (issue 20). Messages: EMU floci-io/floci#1638 and #1723, which
# say they were probed on AWS (docs/aws-behaviour.md, "Contact lists").


class ContactListNotFound(TemplatedMessage[str], NotFound):
    wording = "List with name: {} doesn't exist."


class ContactNotFound(TemplatedMessage[str], NotFound):
    wording = "{} doesn't exist in List."


class ContactAlreadyExists(TemplatedMessage[str], AlreadyExists):
    wording = "{} already exists in List."


class InvalidContactList(InvalidInput):
    """A contact list, topic, contact or list-management option AWS refuses (400)."""


class ContactListLimitExceeded(TemplatedMessage[int], InvalidContactList):
    """AWS answers BadRequestException, not LimitExceededException, for a second list."""

    wording = "A maximum of {} Lists allowed per account."


# -- email receiving: receipt rule sets, rules and IP filters (issue 16 §3) --------------------
# The v1 model's codes: RuleSetDoesNotExist, RuleDoesNotExist, AlreadyExists, CannotDelete,
# InvalidS3Configuration, InvalidSnsTopic, InvalidLambdaFunction, LimitExceeded.


class RuleSetNotFound(TemplatedMessage[str], NotFound):
    wording = "Rule set does not exist: {}"


class RuleNotFound(TemplatedMessage[str], NotFound):
    wording = "Rule does not exist: {}"


class RuleSetAlreadyExists(TemplatedMessage[str], AlreadyExists):
    wording = "Rule set already exists: {}"


class RuleAlreadyExists(TemplatedMessage[str], AlreadyExists):
    wording = "Rule already exists: {}"


class ReceiptFilterAlreadyExists(TemplatedMessage[str], AlreadyExists):
    wording = "Filter already exists: {}"


class CannotDelete(OpensesError):
    pass


class InvalidReceiptAction(InvalidInput):
    """An action whose target cannot be reached; the subclasses carry the model's codes."""


class InvalidS3Configuration(TemplatedMessage[str], InvalidReceiptAction):
    wording = "Could not write to bucket: {}"


class InvalidSnsTopic(TemplatedMessage[str], InvalidReceiptAction):
    wording = "Could not publish to SNS topic: {}"


class InvalidLambdaFunction(TemplatedMessage[str], InvalidReceiptAction):
    wording = "Could not invoke Lambda function: {}"


# -- custom verification email templates (issue 20). AWS's messages are unrecorded: GUESS
# wordings in the form of the email templates' (docs/aws-behaviour.md, "Verification emails").


class CustomVerificationEmailTemplateNotFound(TemplatedMessage[str], NotFound):
    wording = "Custom verification email template {} does not exist."


class CustomVerificationEmailTemplateAlreadyExists(TemplatedMessage[str], AlreadyExists):
    wording = "Custom verification email template {} already exists."


class CustomVerificationEmailInvalidContent(InvalidInput):
    pass


class FromEmailAddressNotVerified(TemplatedMessage[str], InvalidInput):
    wording = "The sender address {} of the custom verification email is not verified."


class CustomVerificationEmailTemplateLimitExceeded(TemplatedMessage[int], LimitExceeded):
    wording = "Maximum number of custom verification email templates ({}) reached."


# -- import and export jobs (issue 20)


class JobNotFound(TemplatedMessage[str], NotFound):
    wording = "Job {} does not exist."


class InvalidPolicy(InvalidInput):
    """A sending authorization policy SES refuses (v1 InvalidPolicy, v2 BadRequestException)."""


class PolicyLimitExceeded(LimitExceeded):
    def __init__(self, identity: str, limit: int) -> None:
        # GUESS: AWS's wording is unrecorded (docs/aws-behaviour.md, "Sending authorization").
        super().__init__(f"Identity {identity} already has the maximum of {limit} policies.")


class PolicyAlreadyExists(AlreadyExists):
    def __init__(self, identity: str, name: str) -> None:
        # GUESS: AWS's wording is unrecorded.
        super().__init__(f"Policy {name} already exists for identity {identity}.")


class InvalidIdentityArn(InvalidInput):
    """A send's identity ARN (SourceArn, FromArn, ...) that is not one (issue 18)."""


class SendingNotAuthorized(OpensesError):
    """A send through another account's identity its policies do not allow (issue 18): AWS's
    AccessDenied, 403, in the wording of a denied send (ses-reference limits-and-auth.md §6)."""

    def __init__(self, principal: str, action: str, resource: str) -> None:
        super().__init__(
            f"User `{principal}' is not authorized to perform `{action}' on resource `{resource}'",
            v2_message=f"User: {principal} is not authorized to perform: {action} on resource: "
            f"{resource}",
        )

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


class OpensesError(Exception):
    def __init__(self, message: str, *, v2_message: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        # Where v2 words the same error differently from v1.
        self.v2_message = v2_message or message


class NotFound(OpensesError):
    pass


class ConfigurationSetNotFound(NotFound):
    def __init__(self, name: str) -> None:
        super().__init__(f"Configuration set <{name}> does not exist.")


class EventDestinationNotFound(NotFound):
    def __init__(self, configuration_set: str, name: str) -> None:
        super().__init__(
            f"No EventDestination found for {configuration_set}",
            v2_message=f"An event destination with name <{name}> does not exist for "
            f"configuration set <{configuration_set}>.",
        )


class TrackingOptionsNotFound(NotFound):
    def __init__(self, configuration_set: str) -> None:
        super().__init__(
            f"There are no tracking options for configuration set <{configuration_set}>"
        )


class ResourceNotFound(NotFound):
    pass


class IdentityNotFound(NotFound):
    def __init__(self, name: str) -> None:
        super().__init__(f"Email identity {name} does not exist.")


class SuppressedDestinationNotFound(NotFound):
    def __init__(self, address: str) -> None:
        super().__init__(f"Email address {address} does not exist on your suppression list.")


class TenantNotFound(NotFound):
    def __init__(self, name: str) -> None:
        super().__init__(f"Tenant {name} does not exist.")


class TemplateNotFound(NotFound):
    def __init__(self, name: str) -> None:
        super().__init__(f"Template {name} does not exist.")
        self.template_name = name


# -- dedicated IP pools (issue 15) ------------------------------------------------------------


class DedicatedIpPoolNotFound(NotFound):
    def __init__(self, name: str) -> None:
        # EMU: floci-io/floci#1421 (GetDedicatedIpPool, DeleteDedicatedIpPool, probed on AWS).
        super().__init__(f"The requested pool <{name}> does not exist.")


class DedicatedIpNotFound(NotFound):
    def __init__(self, ip: str) -> None:
        # EMU: floci-io/floci#3420; the same words in Yandex Cloud Postbox's SES v2 docs.
        super().__init__(f"Could not find dedicated IP <{ip}> under this account.")


class AlreadyExists(OpensesError):
    pass


class ConfigurationSetAlreadyExists(AlreadyExists):
    def __init__(self, name: str) -> None:
        super().__init__(f"Configuration set <{name}> already exists.")


class EventDestinationAlreadyExists(AlreadyExists):
    def __init__(self, configuration_set: str, name: str) -> None:
        super().__init__(
            f"An event destination with name <{name}> already exists for configuration set "
            f"<{configuration_set}>."
        )


class TrackingOptionsAlreadyExist(AlreadyExists):
    def __init__(self, configuration_set: str) -> None:
        super().__init__(f"Configuration set <{configuration_set}> already has tracking options.")


class IdentityAlreadyExists(AlreadyExists):
    def __init__(self, name: str) -> None:
        # sic: AWS says "already exist" (anomalyco/sst#4556).
        super().__init__(f"Email identity {name} already exist.")


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


class InvalidNextToken(InvalidInput):
    def __init__(self, token: str) -> None:
        super().__init__(f"invalid nextToken {token}")


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


class InvalidNotificationTopic(InvalidInput):
    """SetIdentityNotificationTopic with a value that is not an SNS topic ARN (GUESS wording,
    in the form of AWS's recorded ``SNS topic ARN ...`` errors; docs/aws-behaviour.md)."""

    def __init__(self, value: str) -> None:
        super().__init__(f"SNS topic {value} is not a valid topic ARN.")


class RefusedRenderingParameter(InvalidRenderingParameter):
    """Template data no send can use, refused by the call itself rather than reported as a
    Rendering Failure event: data beyond the JSON reader's bounds, or a rendered subject with a
    line break (which would inject a header)."""


class InvalidIdentity(InvalidInput):
    """An identity-notification call naming an identity this account does not have."""

    def __init__(self, name: str) -> None:
        # REC: boto/boto3#2645 (SetIdentityNotificationTopic).
        super().__init__(f"Identity {name} is invalid. Must be a verified email address or domain.")


class FeedbackForwardingRequired(InvalidInput):
    def __init__(self) -> None:
        # GUESS: AWS's wording is unrecorded; this is the API reference's sentence.
        super().__init__(
            "Feedback forwarding can only be disabled when Amazon SNS topics are specified for "
            "both bounces and complaints."
        )


class DedicatedIpPoolAlreadyExists(AlreadyExists):
    def __init__(self, name: str) -> None:
        # EMU: floci-io/floci#1421 (CreateDedicatedIpPool, probed on AWS).
        super().__init__(f"The pool <{name}> already exists.")


class InvalidDedicatedIpPool(InvalidInput):
    pass


class InvalidDedicatedIp(InvalidInput):
    pass


class SendingPoolNotFound(InvalidInput):
    """A configuration set's SendingPoolName naming no pool: a BadRequest, not a NotFound."""

    def __init__(self, name: str) -> None:
        # REC: aws-cloudformation/rain#271 (AWS::SES::ConfigurationSet); EMU: floci-io/floci#1412.
        super().__init__(f"SendingPool <{name}> doesn't exist")


class LimitExceeded(OpensesError):
    pass


class ConfigurationSetLimitExceeded(LimitExceeded):
    def __init__(self, limit: int) -> None:
        super().__init__(f"Maximum number of configuration sets ({limit}) reached.")


class EventDestinationLimitExceeded(LimitExceeded):
    def __init__(self, configuration_set: str, limit: int) -> None:
        super().__init__(
            f"Configuration set <{configuration_set}> already has the maximum number of event "
            f"destinations ({limit})."
        )


class TemplateLimitExceeded(LimitExceeded):
    # INFERRED wording (docs/aws-behaviour.md, "Quotas, sandbox and throttling")
    def __init__(self, limit: int) -> None:
        super().__init__(f"Maximum number of templates ({limit}) reached.")


class IdentityLimitExceeded(LimitExceeded):
    # INFERRED wording (docs/aws-behaviour.md, "Quotas, sandbox and throttling")
    def __init__(self, limit: int) -> None:
        super().__init__(f"Maximum number of identities ({limit}) reached.")


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


class ContactListNotFound(NotFound):
    def __init__(self, name: str) -> None:
        super().__init__(f"List with name: {name} doesn't exist.")


class ContactNotFound(NotFound):
    def __init__(self, address: str) -> None:
        super().__init__(f"{address} doesn't exist in List.")


class ContactAlreadyExists(AlreadyExists):
    def __init__(self, address: str) -> None:
        super().__init__(f"{address} already exists in List.")


class InvalidContactList(InvalidInput):
    """A contact list, topic, contact or list-management option AWS refuses (400)."""


class ContactListLimitExceeded(InvalidContactList):
    """AWS answers BadRequestException, not LimitExceededException, for a second list."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"A maximum of {limit} Lists allowed per account.")


# -- email receiving: receipt rule sets, rules and IP filters (issue 16 §3) --------------------
# The v1 model's codes: RuleSetDoesNotExist, RuleDoesNotExist, AlreadyExists, CannotDelete,
# InvalidS3Configuration, InvalidSnsTopic, InvalidLambdaFunction, LimitExceeded.


class RuleSetNotFound(NotFound):
    def __init__(self, name: str) -> None:
        super().__init__(f"Rule set does not exist: {name}")


class RuleNotFound(NotFound):
    def __init__(self, name: str) -> None:
        super().__init__(f"Rule does not exist: {name}")


class RuleSetAlreadyExists(AlreadyExists):
    def __init__(self, name: str) -> None:
        super().__init__(f"Rule set already exists: {name}")


class RuleAlreadyExists(AlreadyExists):
    def __init__(self, name: str) -> None:
        super().__init__(f"Rule already exists: {name}")


class ReceiptFilterAlreadyExists(AlreadyExists):
    def __init__(self, name: str) -> None:
        super().__init__(f"Filter already exists: {name}")


class CannotDelete(OpensesError):
    pass


class InvalidReceiptAction(InvalidInput):
    """An action whose target cannot be reached; the subclasses carry the model's codes."""


class InvalidS3Configuration(InvalidReceiptAction):
    def __init__(self, bucket: str) -> None:
        super().__init__(f"Could not write to bucket: {bucket}")


class InvalidSnsTopic(InvalidReceiptAction):
    def __init__(self, topic_arn: str) -> None:
        super().__init__(f"Could not publish to SNS topic: {topic_arn}")


class InvalidLambdaFunction(InvalidReceiptAction):
    def __init__(self, function_arn: str) -> None:
        super().__init__(f"Could not invoke Lambda function: {function_arn}")


# -- custom verification email templates (issue 20). AWS's messages are unrecorded: GUESS
# wordings in the form of the email templates' (docs/aws-behaviour.md, "Verification emails").


class CustomVerificationEmailTemplateNotFound(NotFound):
    def __init__(self, name: str) -> None:
        super().__init__(f"Custom verification email template {name} does not exist.")


class CustomVerificationEmailTemplateAlreadyExists(AlreadyExists):
    def __init__(self, name: str) -> None:
        super().__init__(f"Custom verification email template {name} already exists.")


class CustomVerificationEmailInvalidContent(InvalidInput):
    pass


class FromEmailAddressNotVerified(InvalidInput):
    def __init__(self, address: str) -> None:
        super().__init__(
            f"The sender address {address} of the custom verification email is not verified."
        )


class CustomVerificationEmailTemplateLimitExceeded(LimitExceeded):
    def __init__(self, limit: int) -> None:
        super().__init__(
            f"Maximum number of custom verification email templates ({limit}) reached."
        )


# -- import and export jobs (issue 20)


class JobNotFound(NotFound):
    def __init__(self, job_id: str) -> None:
        super().__init__(f"Job {job_id} does not exist.")


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

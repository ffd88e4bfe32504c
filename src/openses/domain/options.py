"""The option blocks a configuration set carries, as frozen value objects."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from enum import StrEnum

from openses.domain.errors import InvalidDeliveryOptions, InvalidTrackingOptions

MIN_DELIVERY_SECONDS = 300
MAX_DELIVERY_SECONDS = 50_400
_DOMAIN = re.compile(r"(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


class TlsPolicy(StrEnum):
    REQUIRE = "REQUIRE"
    OPTIONAL = "OPTIONAL"


class HttpsPolicy(StrEnum):
    REQUIRE = "REQUIRE"
    REQUIRE_OPEN_ONLY = "REQUIRE_OPEN_ONLY"
    OPTIONAL = "OPTIONAL"


class SuppressionReason(StrEnum):
    BOUNCE = "BOUNCE"
    COMPLAINT = "COMPLAINT"


class FeatureStatus(StrEnum):
    ENABLED = "ENABLED"
    DISABLED = "DISABLED"


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackingOptions:
    custom_redirect_domain: str
    https_policy: HttpsPolicy | None = None

    def __post_init__(self) -> None:
        if not self.custom_redirect_domain:
            raise InvalidTrackingOptions("CustomRedirectDomain must be specified.")
        if _DOMAIN.fullmatch(self.custom_redirect_domain) is None:
            raise InvalidTrackingOptions(
                f"Invalid custom redirect domain: {self.custom_redirect_domain}"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryOptions:
    tls_policy: TlsPolicy = TlsPolicy.OPTIONAL
    sending_pool_name: str | None = None
    max_delivery_seconds: int | None = None
    shared_pool_delivery_mode: str | None = None

    def __post_init__(self) -> None:
        seconds = self.max_delivery_seconds
        if seconds is not None and not MIN_DELIVERY_SECONDS <= seconds <= MAX_DELIVERY_SECONDS:
            raise InvalidDeliveryOptions(
                f"MaxDeliverySeconds must be between {MIN_DELIVERY_SECONDS} and "
                f"{MAX_DELIVERY_SECONDS}."
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class ReputationOptions:
    reputation_metrics_enabled: bool = False
    last_fresh_start: datetime.datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SuppressionValidationOptions:
    """SuppressionOptions.ValidationOptions.ConditionThreshold (issue 20): stored and returned;
    openses validates no addresses, so it changes no send."""

    condition_threshold_enabled: FeatureStatus
    confidence_verdict_threshold: str | None = None  # MEDIUM | HIGH | MANAGED


@dataclass(frozen=True, slots=True, kw_only=True)
class SuppressionOptions:
    suppressed_reasons: tuple[SuppressionReason, ...] = ()
    suppression_scope: str | None = None
    validation_options: SuppressionValidationOptions | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class VdmOptions:
    engagement_metrics: FeatureStatus | None = None
    optimized_shared_delivery: FeatureStatus | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ArchivingOptions:
    archive_arn: str | None = None


class SigningScheme(StrEnum):
    """MessageSecurityOptions.SigningScheme, a union: DefaultScheme or SmimeScheme (issue 20)."""

    DEFAULT = "DEFAULT"
    SMIME = "SMIME"


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageSecurityOptions:
    signing_scheme: SigningScheme = SigningScheme.DEFAULT
    signature_format: str | None = None  # SmimeScheme's: DETACHED


@dataclass(frozen=True, slots=True)
class Tag:
    key: str
    value: str


@dataclass(frozen=True, slots=True, kw_only=True)
class VdmAttributes:
    """The account's VDM attributes (PutAccountVdmAttributes): VdmEnabled and the account-wide
    dashboard and guardian switches, which have the shape of a set's VdmOptions."""

    vdm_enabled: FeatureStatus
    options: VdmOptions = VdmOptions()

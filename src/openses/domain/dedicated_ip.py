"""Dedicated IP pools and the dedicated IP addresses in them, as SES v2 models them.

openses' dedicated IPs are the operator's outbound addresses (``OPENSES_DEDICATED_IPS``): every
account and region sees them all, each starting in ``ses-default-dedicated-pool``, fully warmed
up, until the account moves it to a pool of its own (docs/aws-behaviour.md, "Dedicated IP
pools").
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from enum import StrEnum

from openses.domain.errors import InvalidDedicatedIp, InvalidDedicatedIpPool
from openses.domain.options import Tag

# The two pools SES keeps itself (developer guide, managing-ip-pools): every dedicated IP that
# is in no pool of the account's, and the IPs shared by all SES customers.
DEFAULT_POOL = "ses-default-dedicated-pool"
SHARED_POOL = "ses-shared-pool"
RESERVED_POOLS = frozenset({DEFAULT_POOL, SHARED_POOL})

# AWS::SES::DedicatedIpPool's documented PoolName pattern: ^[a-z0-9_-]{0,64}$ (and not empty).
_POOL_NAME = re.compile(r"[a-z0-9_-]{1,64}")

FULLY_WARMED_UP = 100
# What SES reports as the warm-up percentage of an IP in a MANAGED pool.
MANAGED_WARMUP_PERCENTAGE = -1


class ScalingMode(StrEnum):
    STANDARD = "STANDARD"
    MANAGED = "MANAGED"


class WarmupStatus(StrEnum):
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    NOT_APPLICABLE = "NOT_APPLICABLE"


def is_reserved(name: str) -> bool:
    return name in RESERVED_POOLS


def refuse_reserved(name: str) -> None:
    """SES manages its two reserved pools itself: they cannot be read, changed or made."""
    if is_reserved(name):
        # REC: cloud-custodian/cloud-custodian#10196 (GetDedicatedIpPool of a reserved pool).
        raise InvalidDedicatedIpPool(
            "Pool name describes either a shared or default dedicated ip pool"
        )


def check_new_pool_name(name: str) -> None:
    refuse_reserved(name)
    if _POOL_NAME.fullmatch(name) is None:
        raise InvalidDedicatedIpPool(
            f"Invalid pool name <{name}>: a pool name is 1 to 64 lowercase ASCII letters, digits, "
            "'_' and '-'."
        )


def check_pool_name_key(name: str) -> None:
    """A paging token's key must be a name a pool can have."""
    if _POOL_NAME.fullmatch(name) is None or is_reserved(name):
        raise InvalidDedicatedIpPool(f"Invalid pool name <{name}>.")


def check_ip_key(ip: str) -> None:
    """A paging token's key must be an IPv4 address."""
    ipaddress.IPv4Address(ip)


def ip_order(ip: str) -> int:
    """Dedicated IPs are listed in numeric address order."""
    return int(ipaddress.IPv4Address(ip))


def check_warmup_percentage(percentage: int) -> None:
    if not 0 <= percentage <= FULLY_WARMED_UP:
        # EMU: floci-io/floci (SesDedicatedIpService, probed against AWS).
        raise InvalidDedicatedIp("Warmup Percentage must be between 0 and 100.")


@dataclass(slots=True, kw_only=True)
class DedicatedIpPool:
    name: str
    scaling_mode: ScalingMode = ScalingMode.STANDARD
    tags: list[Tag] = field(default_factory=list)

    def change_scaling_mode(self, mode: ScalingMode) -> None:
        """STANDARD may become MANAGED; a MANAGED pool stays MANAGED (the API reference)."""
        if self.scaling_mode is ScalingMode.MANAGED and mode is ScalingMode.STANDARD:
            raise InvalidDedicatedIpPool(
                f"Pool <{self.name}> is MANAGED: a MANAGED pool cannot be converted to STANDARD."
            )
        self.scaling_mode = mode


@dataclass(frozen=True, slots=True, kw_only=True)
class DedicatedIp:
    ip: str
    # None: in ses-default-dedicated-pool
    pool_name: str | None = None
    warmup_percentage: int = FULLY_WARMED_UP
    # in a MANAGED pool: SES warms it up itself
    managed: bool = False

    @property
    def reported_pool_name(self) -> str:
        return self.pool_name if self.pool_name is not None else DEFAULT_POOL

    @property
    def warmup_status(self) -> WarmupStatus:
        if self.managed:
            return WarmupStatus.NOT_APPLICABLE
        if self.warmup_percentage >= FULLY_WARMED_UP:
            return WarmupStatus.DONE
        return WarmupStatus.IN_PROGRESS

    @property
    def reported_warmup_percentage(self) -> int:
        return MANAGED_WARMUP_PERCENTAGE if self.managed else self.warmup_percentage

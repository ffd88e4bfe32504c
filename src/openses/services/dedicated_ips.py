"""Dedicated IP pool and dedicated IP use cases (SES v2), and the rule that a configuration
set's SendingPoolName names a pool.

The dedicated IPs are the operator's (``Settings.dedicated_ips``): the caller passes them in.
An IP the account never changed is in ses-default-dedicated-pool, fully warmed up; the store
keeps only the changes. ``check_sending_pool`` runs inside a unit of work the caller has already
entered; every other function opens and commits its own.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Collection

from openses.domain.dedicated_ip import (
    DEFAULT_POOL,
    FULLY_WARMED_UP,
    RESERVED_POOLS,
    SHARED_POOL,
    DedicatedIp,
    DedicatedIpPool,
    ScalingMode,
    check_ip_key,
    check_new_pool_name,
    check_pool_name_key,
    check_warmup_percentage,
    ip_order,
    is_reserved,
    refuse_reserved,
)
from openses.domain.errors import (
    DedicatedIpNotFound,
    DedicatedIpPoolNotFound,
    InvalidDedicatedIp,
    InvalidDedicatedIpPool,
    SendingPoolNotFound,
)
from openses.domain.tags import check as check_tags
from openses.services import paging
from openses.store.unit_of_work import UnitOfWork

# -- pools ---------------------------------------------------------------------------------------


def create_pool(uow: UnitOfWork, pool: DedicatedIpPool, *, now: datetime.datetime) -> None:
    check_new_pool_name(pool.name)
    check_tags(pool.tags)
    with uow:
        uow.dedicated_ips.add_pool(pool, now)
        uow.commit()


def get_pool(uow: UnitOfWork, name: str) -> DedicatedIpPool:
    refuse_reserved(name)
    with uow:
        return uow.dedicated_ips.get_pool(name)


#: The account's own pools' names in name order; SES's reserved pools are not listed.
list_pools: paging.PageReader[str] = paging.page_reader(
    lambda uow: uow.dedicated_ips, check=check_pool_name_key, key=str
)


def delete_pool(uow: UnitOfWork, name: str, configured: Collection[str]) -> None:
    """A pool a configuration set sends through, or a STANDARD pool that still holds dedicated
    IPs, stays (docs/aws-behaviour.md); a MANAGED pool's IPs go back to the default pool."""
    refuse_reserved(name)
    with uow:
        pool = uow.dedicated_ips.get_pool(name, for_update=True)
        users = uow.configuration_sets.names_using_pool(name)
        if users:
            raise InvalidDedicatedIpPool(
                f"Pool <{name}> is used by configuration set <{users[0]}>: give the set another "
                "SendingPoolName before deleting the pool."
            )
        if pool.scaling_mode is ScalingMode.STANDARD and uow.dedicated_ips.count_ips_in(
            name, frozenset(configured)
        ):
            raise InvalidDedicatedIpPool(
                f"Pool <{name}> has dedicated IPs: a STANDARD pool with dedicated IPs cannot be "
                "deleted."
            )
        uow.dedicated_ips.release_ips_of(name)
        uow.dedicated_ips.remove_pool(name)
        uow.commit()


def put_scaling_mode(uow: UnitOfWork, name: str, mode: ScalingMode) -> None:
    refuse_reserved(name)
    with uow:
        pool = uow.dedicated_ips.get_pool(name, for_update=True)
        pool.change_scaling_mode(mode)
        uow.dedicated_ips.save_scaling_mode(pool)
        uow.commit()


# -- dedicated IPs -------------------------------------------------------------------------------


def list_ips(
    uow: UnitOfWork,
    configured: Collection[str],
    *,
    pool_name: str | None,
    next_token: str | None,
    page_size: int,
) -> paging.Page[DedicatedIp]:
    """The account's dedicated IPs in address order, those of one pool when ``pool_name`` is
    given (a pool that must exist; ses-shared-pool holds no dedicated IP)."""
    after = paging.start_key(next_token, check_ip_key)
    with uow:
        if pool_name is not None and pool_name not in RESERVED_POOLS:
            uow.dedicated_ips.get_pool(pool_name)
        ips = _all_ips(uow, configured)
    if pool_name == SHARED_POOL:
        ips = []
    elif pool_name is not None:
        ips = [ip for ip in ips if ip.reported_pool_name == pool_name]
    if after is not None:
        ips = [ip for ip in ips if ip_order(ip.ip) > ip_order(after)]
    return paging.split(ips, page_size, lambda ip: ip.ip)


def get_ip(uow: UnitOfWork, configured: Collection[str], ip: str) -> DedicatedIp:
    with uow:
        return _find_ip(uow, configured, ip)


def move_ip(uow: UnitOfWork, configured: Collection[str], ip: str, destination: str) -> None:
    """PutDedicatedIpInPool: to one of the account's STANDARD pools, or back to
    ses-default-dedicated-pool. The IP is looked up before the pool (as AWS does)."""
    if not destination:
        # EMU: floci-io/floci#3420 (probed on AWS).
        raise InvalidDedicatedIpPool("Pool name can't be blank.")
    with uow:
        current = _find_ip(uow, configured, ip)
        if destination == SHARED_POOL:
            refuse_reserved(destination)
        target = None
        if destination != DEFAULT_POOL:
            target = uow.dedicated_ips.get_pool(destination, for_update=True)
        if current.managed:
            raise InvalidDedicatedIp(
                f"Dedicated IP <{ip}> is in the MANAGED pool <{current.pool_name}>, whose IPs "
                "SES chooses itself."
            )
        if target is not None and target.scaling_mode is ScalingMode.MANAGED:
            raise InvalidDedicatedIpPool(
                f"Pool <{destination}> is MANAGED: SES chooses its dedicated IPs itself."
            )
        pool_name = target.name if target is not None else None
        uow.dedicated_ips.save_ip(dataclasses.replace(current, pool_name=pool_name))
        uow.commit()


def set_warmup(uow: UnitOfWork, configured: Collection[str], ip: str, percentage: int) -> None:
    check_warmup_percentage(percentage)  # before the IP is looked up, as AWS does
    with uow:
        current = _find_ip(uow, configured, ip)
        if current.managed:
            raise InvalidDedicatedIp(
                f"Dedicated IP <{ip}> is in the MANAGED pool <{current.pool_name}>, which SES "
                "warms up itself."
            )
        uow.dedicated_ips.save_ip(dataclasses.replace(current, warmup_percentage=percentage))
        uow.commit()


def _all_ips(uow: UnitOfWork, configured: Collection[str]) -> list[DedicatedIp]:
    changed = uow.dedicated_ips.changed_ips()
    managed = uow.dedicated_ips.managed_pools()
    ips = []
    for address in sorted(set(configured), key=ip_order):
        pool_name, percentage = changed.get(address, (None, FULLY_WARMED_UP))
        ips.append(
            DedicatedIp(
                ip=address,
                pool_name=pool_name,
                warmup_percentage=percentage,
                managed=pool_name in managed,
            )
        )
    return ips


def _find_ip(uow: UnitOfWork, configured: Collection[str], ip: str) -> DedicatedIp:
    if ip not in configured:
        raise DedicatedIpNotFound(ip)
    pool_name, percentage = uow.dedicated_ips.changed_ips().get(ip, (None, FULLY_WARMED_UP))
    managed = pool_name is not None and pool_name in uow.dedicated_ips.managed_pools()
    return DedicatedIp(ip=ip, pool_name=pool_name, warmup_percentage=percentage, managed=managed)


# -- the account's automatic warm-up ---------------------------------------------------------------


def set_auto_warmup_enabled(uow: UnitOfWork, enabled: bool) -> None:
    with uow:
        uow.dedicated_ips.set_auto_warmup_enabled(enabled)
        uow.commit()


def auto_warmup_enabled(uow: UnitOfWork) -> bool:
    with uow:
        return uow.dedicated_ips.auto_warmup_enabled()


# -- configuration sets, inside the caller's unit of work ------------------------------------------


def check_sending_pool(uow: UnitOfWork, name: str | None) -> None:
    """A set's SendingPoolName must name one of the account's pools or one of SES's two
    reserved pools. The pool's row is held until the caller's transaction ends, so it cannot
    be deleted before the set naming it is saved."""
    if name is None or is_reserved(name):
        return
    try:
        uow.dedicated_ips.get_pool(name, for_update=True)
    except DedicatedIpPoolNotFound:
        raise SendingPoolNotFound(name) from None

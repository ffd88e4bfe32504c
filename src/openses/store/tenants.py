"""The tenant repository: the only code that reads or writes ``tenants`` and
``tenant_resources``."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from openses.domain.errors import (
    AlreadyExists,
    NotFound,
    SuppressedDestinationNotFound,
    TenantNotFound,
)
from openses.domain.options import SuppressionReason
from openses.domain.suppression import SuppressedDestination
from openses.domain.tenant import (
    Association,
    ResourceType,
    SendingStatus,
    Tenant,
    TenantAlreadyExists,
    suppression_document,
    suppression_from_document,
    tenant_arn,
)
from openses.store.account import suppressed, suppressed_page, suppression_values
from openses.store.repository import AccountRegionRepository
from openses.store.tables import (
    tenant_messages,
    tenant_resources,
    tenant_suppressed_destinations,
    tenants,
)
from openses.store.tags import TagRepository


class TenantRepository(AccountRegionRepository):
    def __init__(self, connection: Connection, account_id: str, region: str) -> None:
        super().__init__(connection, account_id, region)
        self._tags = TagRepository(connection)

    def _scope(self) -> ColumnElement[bool]:
        return self._owned(tenants)

    # -- tenants --------------------------------------------------------------------------------

    def add(self, tenant: Tenant) -> None:
        values = {
            "tenant_id": tenant.tenant_id,
            "sending_status": tenant.sending_status,
            "status_updated_at": tenant.status_updated_at,
            "reputation_policy": tenant.reputation_policy,
            "suppression": suppression_document(tenant.suppression),
            "created_at": tenant.created_at,
        }
        self._insert_named(tenants, tenant.name, values, TenantAlreadyExists)
        self._tags.add(tenant.arn, tenant.tags)

    def get(self, name: str, *, for_update: bool = False) -> Tenant:
        row = self._get_named(tenants, name, TenantNotFound, for_update=for_update)
        tenant = self._tenant(row)
        return _with_tags(tenant, self._tags.get(tenant.arn))

    def find_by_arn(self, arn: str) -> Tenant | None:
        """The tenant whose ARN (``...:tenant/NAME/ID``) this is, if any."""
        _, _, path = arn.partition(":tenant/")
        name = path.split("/")[0]
        row = self._find_named(tenants, name)
        if row is None:
            return None
        tenant = self._tenant(row)
        return tenant if tenant.arn == arn else None

    def save(self, tenant: Tenant) -> None:
        values = {
            "sending_status": tenant.sending_status,
            "status_updated_at": tenant.status_updated_at,
            "reputation_policy": tenant.reputation_policy,
            "suppression": suppression_document(tenant.suppression),
        }
        self._update_named(tenants, tenant.name, values)

    def remove(self, name: str) -> None:
        tenant = self.get(name)
        self._connection.execute(
            delete(tenant_resources).where(tenant_resources.c.tenant_pk == self._pk(name))
        )
        self._connection.execute(delete(tenants).where(self._scope(), tenants.c.name == name))
        self._tags.replace(tenant.arn, [])

    def ordered(self, *, after: str | None, limit: int | None = None) -> list[Tenant]:
        """Tenants in name order, without their tags."""
        query = select(tenants).where(self._scope())
        if after is not None:
            query = query.where(tenants.c.name > after)
        query = query.order_by(tenants.c.name)
        if limit is not None:
            query = query.limit(limit)
        return [self._tenant(row) for row in self._connection.execute(query)]

    # -- resource associations ------------------------------------------------------------------

    def associate(
        self, name: str, resource_type: ResourceType, arn: str, now: datetime.datetime
    ) -> None:
        row = {
            "tenant_pk": self._pk(name),
            "resource_type": resource_type,
            "resource_arn": arn,
            "created_at": now,
        }
        try:
            self._connection.execute(insert(tenant_resources), row)
        except IntegrityError:
            raise AlreadyExists(
                f"Resource {arn} is already associated with tenant {name}."
            ) from None

    def dissociate(self, name: str, arn: str) -> None:
        result = self._connection.execute(
            delete(tenant_resources).where(
                tenant_resources.c.tenant_pk == self._pk(name),
                tenant_resources.c.resource_arn == arn,
            )
        )
        if result.rowcount == 0:
            raise NotFound(f"Resource {arn} is not associated with tenant {name}.")

    def resources_of(self, name: str) -> list[Association]:
        """The tenant's resources in ARN order."""
        tenant = self.get(name)
        rows = self._connection.execute(
            select(tenant_resources)
            .where(tenant_resources.c.tenant_pk == self._pk(name))
            .order_by(tenant_resources.c.resource_arn)
        )
        return [_association(row, tenant.name, tenant.tenant_id) for row in rows]

    def tenants_of(self, arn: str) -> list[Association]:
        """The associations of one resource, in tenant-name order."""
        rows = self._connection.execute(
            select(tenant_resources, tenants.c.name, tenants.c.tenant_id)
            .join(tenants, tenants.c.id == tenant_resources.c.tenant_pk)
            .where(self._scope(), tenant_resources.c.resource_arn == arn)
            .order_by(tenants.c.name)
        )
        return [_association(row, row.name, row.tenant_id) for row in rows]

    def is_associated(self, name: str, arn: str) -> bool:
        row = self._connection.execute(
            select(tenant_resources.c.id).where(
                tenant_resources.c.tenant_pk == self._pk(name),
                tenant_resources.c.resource_arn == arn,
            )
        ).first()
        return row is not None

    # -- messages sent on a tenant's behalf ------------------------------------------------------

    def record_message(self, name: str, message_id: str) -> None:
        self._connection.execute(
            insert(tenant_messages), {"tenant_pk": self._pk(name), "message_id": message_id}
        )

    def tenant_of_message(self, message_id: str) -> Tenant | None:
        row = self._connection.execute(
            select(tenants)
            .join(tenant_messages, tenant_messages.c.tenant_pk == tenants.c.id)
            .where(self._scope(), tenant_messages.c.message_id == message_id)
        ).first()
        return None if row is None else self._tenant(row)

    # -- the tenant's own suppression list -------------------------------------------------------

    def find_suppressed_among(
        self, name: str, email_addresses: Collection[str]
    ) -> dict[str, SuppressedDestination]:
        rows = self._connection.execute(
            select(tenant_suppressed_destinations).where(
                tenant_suppressed_destinations.c.tenant_pk == self._pk(name),
                tenant_suppressed_destinations.c.email_address.in_(sorted(email_addresses)),
            )
        )
        return {row.email_address: suppressed(row) for row in rows}

    def get_suppressed(self, name: str, email_address: str) -> SuppressedDestination:
        found = self.find_suppressed_among(name, [email_address])
        if email_address not in found:
            raise SuppressedDestinationNotFound(email_address)
        return found[email_address]

    def put_suppressed(self, name: str, entry: SuppressedDestination) -> None:
        """Add the address, or replace its reason, time and attributes if it is listed."""
        pk = self._pk(name)
        values = suppression_values(entry)
        table = tenant_suppressed_destinations
        where = (table.c.tenant_pk == pk) & (table.c.email_address == entry.email_address)
        if self._connection.execute(update(table).where(where).values(**values)).rowcount:
            return
        self._connection.execute(
            insert(table).values(tenant_pk=pk, email_address=entry.email_address, **values)
        )

    def remove_suppressed(self, name: str, email_address: str) -> None:
        table = tenant_suppressed_destinations
        result = self._connection.execute(
            delete(table).where(
                table.c.tenant_pk == self._pk(name), table.c.email_address == email_address
            )
        )
        if result.rowcount == 0:
            raise SuppressedDestinationNotFound(email_address)

    def list_suppressed(
        self,
        name: str,
        *,
        reasons: Collection[SuppressionReason],
        start: datetime.datetime | None,
        end: datetime.datetime | None,
        after: str | None,
        limit: int,
    ) -> list[SuppressedDestination]:
        """One page in address order, as the account's list pages."""
        table = tenant_suppressed_destinations
        query = select(table).where(table.c.tenant_pk == self._pk(name))
        return suppressed_page(
            self._connection, query, reasons=reasons, start=start, end=end, after=after, limit=limit
        )

    # -- helpers --------------------------------------------------------------------------------

    def _pk(self, name: str) -> int:
        row = self._connection.execute(
            select(tenants.c.id).where(self._scope(), tenants.c.name == name)
        ).first()
        if row is None:
            raise TenantNotFound(name)
        return int(row.id)

    def _tenant(self, row: Row[Any]) -> Tenant:
        return Tenant(
            name=row.name,
            tenant_id=row.tenant_id,
            arn=tenant_arn(self._region, self._account_id, row.name, row.tenant_id),
            created_at=row.created_at,
            sending_status=SendingStatus(row.sending_status),
            status_updated_at=row.status_updated_at,
            reputation_policy=row.reputation_policy,
            suppression=suppression_from_document(row.suppression),
        )


def _with_tags(tenant: Tenant, tags: list[Any]) -> Tenant:
    return dataclasses.replace(tenant, tags=tags)


def _association(row: Row[Any], tenant_name: str, tenant_id: str) -> Association:
    return Association(
        tenant_name=tenant_name,
        tenant_id=tenant_id,
        resource_type=ResourceType(row.resource_type),
        resource_arn=row.resource_arn,
        created_at=row.created_at,
    )

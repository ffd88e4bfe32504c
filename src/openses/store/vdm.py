"""The account's VDM attributes (PutAccountVdmAttributes), kept as given per account and
region (issue 17)."""

from __future__ import annotations

from sqlalchemy import select

from openses.domain.options import FeatureStatus, VdmAttributes, VdmOptions
from openses.store import mapping
from openses.store.queries import Query, Upsert
from openses.store.repository import AccountRegionRepository
from openses.store.scoped import in_scope
from openses.store.tables import account_vdm_attributes

_UPSERT = Upsert(account_vdm_attributes, replace=("attributes",))
_SELECT = Query(
    select(account_vdm_attributes.c.attributes).where(
        in_scope(account_vdm_attributes),
    )
)


class VdmRepository(AccountRegionRepository):
    def attributes(self) -> VdmAttributes | None:
        row = _SELECT.first(self._connection, self._scope_params)
        if row is None:
            return None
        stored = row.attributes
        return VdmAttributes(
            vdm_enabled=FeatureStatus(stored["vdm_enabled"]),
            options=mapping.vdm_from_json(stored["options"]) or VdmOptions(),
        )

    def save(self, attributes: VdmAttributes) -> None:
        stored = {
            "vdm_enabled": str(attributes.vdm_enabled),
            "options": mapping.vdm_to_json(attributes.options),
        }
        _UPSERT.run(self._connection, [{**self._scope_params, "attributes": stored}])

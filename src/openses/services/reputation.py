"""Reputation as the API and openses' own endpoint report it (issue 17): the states the
reputation job (events/reputation.py) last found, and the account's VDM attributes."""

from __future__ import annotations

from dataclasses import dataclass

from openses.domain.options import VdmAttributes
from openses.domain.reputation import EnforcementStatus, ReputationState
from openses.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True, kw_only=True)
class Standing:
    """GetAccount's EnforcementStatus, and whether reputation enforcement paused sending."""

    status: EnforcementStatus = EnforcementStatus.HEALTHY
    sending_paused: bool = False


def standing(uow: UnitOfWork) -> Standing:
    with uow:
        states = uow.reputation.states()
    for state in states:
        if state.configuration_set is None:
            return Standing(status=state.reputation.status, sending_paused=state.sending_paused)
    return Standing()


def states(uow: UnitOfWork) -> list[ReputationState]:
    """The account's state (if it has one yet) and its sets'."""
    with uow:
        return uow.reputation.states()


def vdm_attributes(uow: UnitOfWork) -> VdmAttributes | None:
    with uow:
        return uow.vdm.attributes()


def put_vdm_attributes(uow: UnitOfWork, attributes: VdmAttributes) -> None:
    with uow:
        uow.vdm.save(attributes)
        uow.commit()

"""What every operation handler receives besides its input members."""

from __future__ import annotations

from dataclasses import dataclass, field

from openses.config import Settings
from openses.domain.clock import Clock, utc_now
from openses.domain.conditions import Context
from openses.services.configuration_sets import DestinationCheck
from openses.services.object_store import ObjectStore
from openses.services.outbound import CAPTURE, Outbound
from openses.services.receipt_rules import TargetCheck
from openses.store.sources import ConnectionSource
from openses.store.unit_of_work import UnitOfWork
from openses.tracking.links import Tracker


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestContext:
    account_id: str
    region: str
    request_id: str
    settings: Settings
    # where this request's units of work get their connections (api/execution.py)
    reads: ConnectionSource
    writes: ConnectionSource
    source_ip: str = "127.0.0.1"
    access_key: str = ""
    # issue 18: the caller's principal ARN and, for sends and keys with policies, the
    # request's condition keys (services/condition_keys.py)
    principal: str = ""
    conditions: Context = field(default_factory=dict)
    clock: Clock = utc_now
    # collaborators, built once by the composition root (bootstrap.py)
    tracker: Tracker | None = None
    destination_check: DestinationCheck | None = None
    outbound: Outbound = CAPTURE  # whether sends go out for real (issue 15)
    # receipt rules' S3, SNS and Lambda targets (issue 16 §3); None: unchecked
    receipt_check: TargetCheck | None = None
    object_store: ObjectStore | None = None  # S3, for import and export jobs (issue 20)

    def reading(self) -> UnitOfWork:
        return UnitOfWork(self.reads, self.account_id, self.region)

    def writing(self) -> UnitOfWork:
        return UnitOfWork(self.writes, self.account_id, self.region)

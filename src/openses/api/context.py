"""What every operation handler receives besides its input members."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from openses.config import Settings
from openses.domain.clock import Clock, utc_now
from openses.services.outbound import CAPTURE, Outbound
from openses.store.loop import LoopReader, LoopWriter
from openses.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestContext:
    account_id: str
    region: str
    request_id: str
    settings: Settings
    engine: Engine
    source_ip: str = "127.0.0.1"
    access_key: str = ""
    clock: Clock = utc_now
    # set when the request runs on the event loop
    reader: LoopReader | None = None
    writer: LoopWriter | None = None
    # issue 15: whether sends go out for real (built once in app.py)
    outbound: Outbound = CAPTURE

    def reading(self) -> UnitOfWork:
        return UnitOfWork(
            self.engine, self.account_id, self.region, write=False, reader=self.reader
        )

    def writing(self) -> UnitOfWork:
        return UnitOfWork(self.engine, self.account_id, self.region, write=True, writer=self.writer)

"""The ``smtp_certificates`` table: the one self-signed certificate of the SMTP interface."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from openses.store.database import reading
from openses.store.tables import smtp_certificates

_ROW = 1


def kept_or_new(
    engine: Engine, make: Callable[[], tuple[str, str]], now: datetime.datetime
) -> tuple[str, str]:
    """The stored (certificate PEM, key PEM); made with ``make`` and stored on first use. Of
    instances starting together on one database, the first to insert wins and all use its."""
    query = select(smtp_certificates.c.certificate, smtp_certificates.c.private_key)
    with reading(engine) as connection:
        row = connection.execute(query).first()
    if row is not None:
        return row.certificate, row.private_key
    certificate, key = make()
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(smtp_certificates).values(
                    id=_ROW, certificate=certificate, private_key=key, created_at=now
                )
            )
    except IntegrityError:
        with reading(engine) as connection:
            row = connection.execute(query).one()
        return row.certificate, row.private_key
    return certificate, key

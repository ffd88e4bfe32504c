"""``python -m bench.quota``: what enforcing the sending quota adds to a send (issue 17).

One process, no HTTP: the send service (``services/sending.send``) on SQLite and PostgreSQL,
in alternating blocks without limits and with a send rate and a 24-hour quota high enough never
to refuse, so that both see the same machine load. Prints the median time per send of each.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench import stores
from openses.domain.clock import utc_now
from openses.domain.identity import EmailIdentity, VerificationStatus
from openses.domain.quota import NO_QUOTA, QuotaPolicy, SendingLimits
from openses.mail import mime
from openses.services import identities, sending
from openses.store.database import make_engine, migrate
from openses.store.sources import EngineSource
from openses.store.unit_of_work import UnitOfWork

LIMITED = QuotaPolicy(
    production=SendingLimits(max_24_hour_send=1_000_000_000.0, max_send_rate=1_000_000.0)
)
ACCOUNT = "123456789012"
REGION = "us-east-1"


def measure(url: str, blocks: int, per_block: int) -> dict[str, float]:
    engine = make_engine(url)
    migrate(engine)
    source = EngineSource(engine, write=True)
    identity = EmailIdentity(
        name="bench.example.com",
        created_at=utc_now(),
        verification_status=VerificationStatus.SUCCESS,
    )
    identities.create(UnitOfWork(source, ACCOUNT, REGION), identity)
    email = sending.OutgoingEmail(
        from_address="me@bench.example.com",
        envelope=mime.Envelope(source="me@bench.example.com", to=["you@example.net"]),
        content=mime.Content(subject="bench", text="hello"),
    )
    origin = sending.SendOrigin(operation="SendEmail", source_ip="127.0.0.1", identity="bench")
    times: dict[str, list[float]] = {"no limits": [], "limits": []}
    try:
        for block in range(blocks):
            for name, quota in (("no limits", NO_QUOTA), ("limits", LIMITED))[
                :: 1 - 2 * (block % 2)
            ]:
                start = time.perf_counter()
                for _ in range(per_block):
                    sending.send(
                        UnitOfWork(source, ACCOUNT, REGION),
                        email,
                        origin,
                        utc_now,
                        tracker=None,
                        quota=quota,
                    )
                times[name].append((time.perf_counter() - start) / per_block)
    finally:
        engine.dispose()
    return {name: statistics.median(values) * 1e6 for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stores", default=",".join(stores.STORES))
    parser.add_argument("--blocks", type=int, default=10)
    parser.add_argument("--per-block", type=int, default=200)
    args = parser.parse_args()
    print("| store | send without limits, µs | with limits, µs | added |")
    print("| --- | --- | --- | --- |")
    for store in args.stores.split(","):
        with tempfile.TemporaryDirectory() as tmp, stores.database(store, Path(tmp)) as url:
            result = measure(url, args.blocks, args.per_block)
        plain, limited = result["no limits"], result["limits"]
        print(
            f"| {stores.LABELS[store]} | {plain:,.0f} | {limited:,.0f} | "
            f"{limited - plain:+,.0f} µs ({(limited - plain) / plain:+.0%}) |"
        )


if __name__ == "__main__":
    main()

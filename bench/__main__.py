"""``python -m bench [--quick]``: openses (SQLite, then PostgreSQL) side by side with moto's
server, all on loopback, loaded by wrk; prints markdown tables. See bench/README.md."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import (
    api,
    dashboard,
    deliver,
    load,
    machine,
    processes,
    report,
    scale,
    send,
    smtp_submit,
    stores,
)


@dataclass(frozen=True, slots=True)
class Plan:
    mode: str
    api_seconds: float
    send_seconds: float
    paced_seconds: float
    scale_seconds: float
    levels: tuple[int, ...]
    messages: int
    deliveries: int = 10_000


FULL = Plan("full", 8.0, 10.0, 15.0, 4.0, (10, 1_000, 50_000), 100_000)
QUICK = Plan("quick", 2.0, 3.0, 5.0, 1.0, (10, 1_000, 5_000), 10_000, deliveries=2_000)
# Sends a second in the paced run: two events each, well within what moto's SNS delivers to
# SQS on this project's machines (about 80 to 130 events a second, by machine).
PACED_RATE = 20.0


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="about a minute instead of ten")
    parser.add_argument("--stores", default=",".join(stores.STORES), help="sqlite,postgresql")
    parser.add_argument("--output", type=Path, help="also write the tables to this file")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    load.ensure_wrk()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="openses-bench-") as tmp:
        run = _run(plan, args.stores.split(","), Path(tmp))
    text = report.render(run)
    text += f"\nTotal time: {time.monotonic() - started:.0f} s.\n"
    print("\n" + text)
    if args.output:
        args.output.write_text(text)


def _run(plan: Plan, wanted: list[str], tmp: Path) -> report.Run:
    _say(f"{plan.mode} run; logs in {tmp}")
    machine_text = machine.describe()
    with processes.static_responder() as static:
        static_result = load.run(static.url, "static", plan.api_seconds)
    with processes.bare_uvicorn() as bare:
        load.run(bare.url, "get", min(1.0, plan.api_seconds))  # warm-up
        bare_result = load.run(bare.url, "get", plan.api_seconds)
    skipped: dict[str, str] = {}
    if "postgresql" in wanted and (problem := stores.postgres_problem()):
        skipped["postgresql"] = problem
    with processes.moto(tmp / "moto.log") as moto, processes.moto(tmp / "peer.log") as peer:
        _say("moto: API")
        api.prepare(moto)
        moto_api = api.run(moto, plan.api_seconds)
        _say("moto: SendEmail")
        moto_send = send.run_moto(moto, plan.send_seconds)
        moto_rss = moto.rss_mb()
        store_runs = [
            _store(plan, store, peer, tmp)
            for store in stores.STORES
            if store in wanted and store not in skipped
        ]
    return report.Run(
        machine=machine_text,
        mode=plan.mode,
        static=static_result,
        bare=bare_result,
        moto_api=moto_api,
        moto_send=moto_send,
        moto_rss_mb=moto_rss,
        stores=store_runs,
        skipped=skipped,
    )


def _store(plan: Plan, store: str, peer: processes.Server, tmp: Path) -> report.StoreRun:
    label = stores.LABELS[store]
    with (
        stores.database(store, tmp) as url,
        processes.openses(url, peer.url, tmp / f"openses-{store}.log") as server,
    ):
        result = report.StoreRun(store, rss_start_mb=server.rss_mb())
        _say(f"openses {label}: API")
        api.prepare(server)
        result.api = api.run(server, plan.api_seconds)
        _say(f"openses {label}: SendEmail with events")
        result.send = send.run_openses(server, peer, url, plan.send_seconds)
        _say(f"openses {label}: SendEmail at {PACED_RATE:.0f}/s with events")
        result.paced = send.run_paced(server, peer, url, plan.paced_seconds, PACED_RATE)
        _say(f"openses {label}: scale {', '.join(f'{n:,}' for n in plan.levels)} sets")
        result.levels = scale.run(server, url, plan.levels, plan.scale_seconds)
        _say(f"openses {label}: memory with {plan.messages:,} messages")
        result.memory = scale.memory(server, url, plan.messages, plan.scale_seconds)
        _say(f"openses {label}: dashboard pages with {plan.messages:,} messages")
        result.dashboard = dashboard.run(server, plan.messages)
    _say(f"openses {label}: relay delivery of {plan.deliveries:,} messages to an SMTP sink")
    (tmp / f"deliver-{store}").mkdir(exist_ok=True)
    with stores.database(store, tmp / f"deliver-{store}") as url:
        result.delivery = deliver.run(url, peer.url, tmp, plan.deliveries)
    _say(
        f"openses {label}: SMTP submission and SendRawEmail, {smtp_submit.CONNECTIONS} connections"
    )
    (tmp / f"submit-{store}").mkdir(exist_ok=True)
    with stores.database(store, tmp / f"submit-{store}") as url:
        result.submission = smtp_submit.run(url, peer.url, tmp, plan.send_seconds)
    return result


def _say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()

"""The markdown tables printed at the end of a run."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench import api, load
from bench.dashboard import PageTiming
from bench.deliver import DeliveryResult
from bench.scale import Level, Memory
from bench.send import SendResult
from bench.smtp_submit import SubmitResult
from bench.stores import LABELS


@dataclass
class StoreRun:
    store: str
    api: dict[str, load.Result] = field(default_factory=dict)
    send: SendResult | None = None
    paced: SendResult | None = None
    levels: list[Level] = field(default_factory=list)
    memory: Memory | None = None
    rss_start_mb: float = 0.0
    delivery: DeliveryResult | None = None  # issue 15: relay mode to an aiosmtpd sink
    submission: SubmitResult | None = None  # issue 16: smtplib beside SendRawEmail
    dashboard: list[PageTiming] = field(default_factory=list)  # issue 19


@dataclass
class Run:
    machine: str
    mode: str
    static: load.Result
    bare: load.Result  # uvicorn serving bench/bare_asgi.py, loaded with the Get request
    moto_api: dict[str, load.Result]
    moto_send: SendResult
    moto_rss_mb: float
    stores: list[StoreRun]
    skipped: dict[str, str]


def render(run: Run) -> str:
    parts = [
        f"Machine: {run.machine}. Mode: {run.mode}.",
        _generator(run),
        _api(run),
        _send(run),
        _paced(run),
        _delivery(run),
        _submission(run),
        _scale(run),
        _memory(run),
        _targets(run),
    ]
    parts += [f"{LABELS[s]} skipped: {why}" for s, why in run.skipped.items()]
    return "\n\n".join(part for part in parts if part) + "\n"


def _rate(result: load.Result) -> str:
    text = f"{result.per_second:,.0f}"
    errors = result.status_errors + result.socket_errors
    return f"{text} ({errors} errors)" if errors else text


def _latency(result: load.Result) -> str:
    return f"{result.p50_ms:.1f} / {result.p99_ms:.1f}"


def _ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.1f}x" if theirs else "n/a"


def _generator(run: Run) -> str:
    return (
        "Load generator: wrk 4.1 (C, epoll; Lua script bench/wrk/ses.lua), 16 connections, one "
        "thread per connection, in its own process. Against a minimal static responder "
        f"(bench/static_server.py) it drives {run.static.per_second:,.0f} req/s "
        f"(p50/p99 {_latency(run.static)} ms).\n\n"
        "Ceiling of the server stack: uvicorn as openses runs it (uvloop, httptools, no access "
        "log), serving a bare ASGI function that answers a fixed body (bench/bare_asgi.py), "
        f"does {run.bare.per_second:,.0f} req/s under the Get request (p50/p99 "
        f"{_latency(run.bare)} ms): no app in one such process answers more. 30x moto's Get "
        f"would be {30 * run.moto_api['get'].per_second:,.0f} req/s."
    )


def _api(run: Run) -> str:
    header = ["operation", "moto req/s"]
    for store in run.stores:
        header += [f"openses {LABELS[store.store]} req/s", "x moto"]
    header += ["moto p50/p99 ms"] + [f"{LABELS[s.store]} p50/p99 ms" for s in run.stores]
    rows = [header, ["---"] * len(header)]
    for scenario in api.SCENARIOS:
        theirs = run.moto_api[scenario.key]
        row = [scenario.title, _rate(theirs)]
        for store in run.stores:
            ours = store.api[scenario.key]
            row += [_rate(ours), _ratio(ours.per_second, theirs.per_second)]
        row += [_latency(theirs)] + [_latency(s.api[scenario.key]) for s in run.stores]
        rows.append(row)
    return "### API (16 connections)\n\n" + _table(rows)


def _send(run: Run) -> str:
    header = ["SendEmail (v2)", "moto"] + [f"openses {LABELS[s.store]}" for s in run.stores]
    results = [run.moto_send] + [s.send for s in run.stores if s.send is not None]
    rows = [header, ["---"] * len(header)]
    rows.append(["accepted/s"] + [_rate(r.load) for r in results])
    rows.append(["request p50/p99 ms"] + [_latency(r.load) for r in results])
    rows.append(["event latency p50/p99 ms (send → SQS)"] + [_event_latency(r) for r in results])
    rows.append(["events recorded / received / lost"] + [_events(r) for r in results])
    notes = [f"- {title}: {r.note}" for title, r in zip(header[1:], results, strict=True) if r.note]
    return "### Send, with an SNS event destination on the moto peer\n\n" + "\n".join(
        [_table(rows), *notes]
    )


def _paced(run: Run) -> str:
    paced = [(s.store, s.paced) for s in run.stores if s.paced is not None]
    if not paced:
        return ""
    header = ["SendEmail (v2), paced"] + [f"openses {LABELS[store]}" for store, _ in paced]
    rows = [header, ["---"] * len(header)]
    rows.append(["sent/s"] + [_rate(r.load) for _, r in paced])
    rows.append(["request p50/p99 ms"] + [_latency(r.load) for _, r in paced])
    rows.append(["event latency p50/p99 ms (send → SQS)"] + [_event_latency(r) for _, r in paced])
    rows.append(["events recorded / received / lost"] + [_events(r) for _, r in paced])
    notes = [f"- {LABELS[store]}: {r.note}" for store, r in paced if r.note]
    title = "### Send at a rate the peer keeps up with (one client, fixed schedule)"
    return title + "\n\n" + "\n".join([_table(rows), *notes])


def _delivery(run: Run) -> str:
    measured = [(s, s.delivery) for s in run.stores if s.delivery is not None]
    if not measured:
        return ""
    header = ["delivery (issue 15)"] + [f"openses {LABELS[s.store]}" for s, _ in measured]
    rows = [header, ["---"] * len(header)]
    rows.append(
        ["relay mode: queued messages delivered/s, one `openses worker`"]
        + [f"{d.per_second:,.0f} ({d.messages:,} in {d.seconds:.1f} s)" for _, d in measured]
    )
    rows.append(
        ["capture mode: SendEmail accepted/s (a send is its delivery)"]
        + [_rate(s.send.load) if s.send is not None else "" for s, _ in measured]
    )
    return (
        "### Delivery to an aiosmtpd sink (bench/deliver.py)\n\n"
        + _table(rows)
        + "\n\nTarget: at least 500 messages/s delivered on SQLite from one process."
    )


def _submission(run: Run) -> str:
    measured = [(s, s.submission) for s in run.stores if s.submission is not None]
    if not measured:
        return ""
    header = ["submission, 8 connections (issue 16)"] + [
        f"openses {LABELS[s.store]}" for s, _ in measured
    ]
    rows = [header, ["---"] * len(header)]
    smtp = [r.smtp for _, r in measured]
    api_rates = [r.send_raw_email for _, r in measured]
    for title, rates in (
        ("SMTP (smtplib, STARTTLS + AUTH), messages/s", smtp),
        ("API SendRawEmail (boto3), messages/s", api_rates),
    ):
        rows.append(
            [title] + [f"{r.per_second:,.0f} ({r.messages:,} in {r.seconds:.1f} s)" for r in rates]
        )
    return "### SMTP submission beside SendRawEmail (bench/smtp_submit.py)\n\n" + _table(rows)


def _event_latency(result: SendResult) -> str:
    p50, p99 = result.percentile(50), result.percentile(99)
    return "n/a" if p50 is None or p99 is None else f"{p50:,.0f} / {p99:,.0f}"


def _events(result: SendResult) -> str:
    if result.expected_events is None:
        return "n/a"
    text = f"{result.expected_events} / {result.received_events} / {result.lost}"
    again = [
        f"{count} {what}"
        for count, what in (
            (result.duplicates, "published twice"),
            (result.redelivered, "redelivered by SQS"),
        )
        if count
    ]
    return text + (f" ({', '.join(again)})" if again else "")


def _scale(run: Run) -> str:
    header = ["configuration sets stored"]
    for store in run.stores:
        label = LABELS[store.store]
        header += [f"{label} Get p50/p99 ms (req/s)", f"{label} List p50/p99 ms (req/s)"]
    rows = [header, ["---"] * len(header)]
    counts = [level.sets for level in run.stores[0].levels] if run.stores else []
    for index, count in enumerate(counts):
        row = [f"{count:,}"]
        for store in run.stores:
            level = store.levels[index]
            row += [_scaled(level.get), _scaled(level.list)]
        rows.append(row)
    return (
        "### Scale (Get reads a random stored set; sets added through openses' "
        "ConfigurationSetRepository, not the API)\n\n" + _table(rows)
    )


def _scaled(result: load.Result) -> str:
    return f"{_latency(result)} ({_rate(result)})"


def _memory(run: Run) -> str:
    rows = [["openses", "RSS at start", "RSS with messages stored", "messages (via API)"]]
    rows.append(["---"] * 4)
    for store in run.stores:
        if store.memory is None:
            continue
        rows.append(
            [
                LABELS[store.store],
                f"{store.rss_start_mb:.0f} MB",
                f"{store.memory.rss_mb:.0f} MB",
                f"{store.memory.messages:,} ({store.memory.through_api:,})",
            ]
        )
    return (
        "### Memory (messages beyond those sent through the API are copies of one, added "
        "through openses' MessageRepository)\n\n"
        + _table(rows)
        + f"\n\nmoto's RSS after its runs: {run.moto_rss_mb:.0f} MB."
    )


def _targets(run: Run) -> str:
    lines = ["### Targets"]
    for store in run.stores:
        label = LABELS[store.store]
        get, moto_get = store.api["get"], run.moto_api["get"]
        ratio = get.per_second / moto_get.per_second if moto_get.per_second else 0.0
        lines.append(
            f"- {label} GetConfigurationSet ≥ 30x moto and > 5,000 req/s: "
            f"{_verdict(ratio >= 30 and get.per_second > 5000)} "
            f"({ratio:.1f}x, {get.per_second:,.0f} req/s)"
        )
        if store.send is not None:
            send = store.send
            p99 = send.percentile(99)
            met = send.load.per_second >= 1000 and p99 is not None and p99 < 1000 and send.lost == 0
            lines.append(
                f"- {label} SendEmail ≥ 1,000/s, event p99 < 1 s, 0 lost: {_verdict(met)} "
                f"({send.load.per_second:,.0f}/s, event p99 "
                f"{'n/a' if p99 is None else f'{p99:,.0f} ms'}, "
                f"lost {'n/a' if send.lost is None else send.lost})"
            )
        if store.levels:
            first, last = store.levels[0], store.levels[-1]
            growth = last.get.p50_ms / first.get.p50_ms if first.get.p50_ms else 0.0
            lines.append(
                f"- {label} flat Get latency {first.sets:,} → {last.sets:,} sets (p50 within "
                f"1.5x): {_verdict(growth <= 1.5)} ({growth:.2f}x)"
            )
        if store.memory is not None:
            lines.append(
                f"- {label} RSS < 150 MB with {store.memory.messages:,} messages: "
                f"{_verdict(store.memory.rss_mb < 150)} ({store.memory.rss_mb:.0f} MB)"
            )
        for timing in store.dashboard:
            lines.append(
                f"- {label} dashboard {timing.page} page < 100 ms (p50, full store): "
                f"{_verdict(timing.p50_ms < 100)} ({timing.p50_ms:.1f} ms, max "
                f"{timing.max_ms:.1f} ms)"
            )
    return "\n".join(lines)


def _verdict(met: bool) -> str:
    return "**met**" if met else "**not met**"


def _table(rows: list[list[str]]) -> str:
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)

"""``python -m tests.api.health_probe URL``: polls ``URL/health`` every 50 ms until its stdin
closes, then prints one JSON line: the slowest answer (seconds, and when, as wall-clock time),
the number of polls and every failure. It runs as its own process, so that the fuzzing client's
work (hypothesis drawing, under the GIL) cannot delay it and count against the server."""

from __future__ import annotations

import json
import sys
import threading
import time

import httpx


def main(url: str) -> None:
    stop = threading.Event()

    def wait_for_eof() -> None:
        sys.stdin.read()
        stop.set()

    threading.Thread(target=wait_for_eof, daemon=True).start()
    worst, worst_at, polls = 0.0, [0.0, 0.0], 0
    failures: list[str] = []
    with httpx.Client(base_url=url, timeout=5) as client:
        while not stop.is_set():
            started = time.time()
            try:
                status = client.get("/health").status_code
            except httpx.HTTPError as error:
                status, detail = 0, repr(error)
            else:
                detail = f"/health answered {status}"
            took = time.time() - started
            if took > worst:
                worst, worst_at = took, [started, started + took]
            polls += 1
            if status != 200:
                failures.append(detail)
            stop.wait(0.05)
    print(json.dumps({"worst": worst, "worst_at": worst_at, "polls": polls, "failures": failures}))


if __name__ == "__main__":
    main(sys.argv[1])

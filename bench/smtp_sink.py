"""``python -m bench.smtp_sink PORT``: an aiosmtpd server on 127.0.0.1:PORT that accepts every
message and forgets it: the far end of the delivery benchmark, in a process of its own."""

from __future__ import annotations

import sys
import threading
from typing import Any

from aiosmtpd.controller import Controller


class _Accept:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 2.0.0 Ok: queued"


def main() -> None:
    controller = Controller(_Accept(), hostname="127.0.0.1", port=int(sys.argv[1]))
    controller.start()
    print("ready", flush=True)
    try:
        threading.Event().wait()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()

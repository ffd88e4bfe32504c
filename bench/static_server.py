"""A minimal static HTTP responder, to show the load generator can go far faster than the
systems under test. Run as ``python -m bench.static_server PORT``."""

from __future__ import annotations

import asyncio
import sys

_RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"


class _Responder(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._buffer = b""

    def data_received(self, data: bytes) -> None:
        # Requests carry no body here (GET), so each blank line ends one request.
        self._buffer += data
        count = self._buffer.count(b"\r\n\r\n")
        if count:
            self._buffer = self._buffer[self._buffer.rfind(b"\r\n\r\n") + 4 :]
            self._transport.write(_RESPONSE * count)


async def _serve(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Responder, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(_serve(int(sys.argv[1])))

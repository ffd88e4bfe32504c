"""Two ``openses serve`` processes on one PostgreSQL database, started together, present the
same self-signed SMTP certificate: it is made once and kept in the database (smtp/tls.py)."""

from __future__ import annotations

import ssl
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.support import free_port, postgres_database, serve_process


def test_two_instances_on_one_postgresql_present_the_same_certificate(tmp_path: Path) -> None:
    with postgres_database() as url:
        smtps_ports = [free_port(), free_port()]
        processes: list[subprocess.Popen[bytes]] = []

        def start(n: int) -> None:
            env = {"OPENSES_DATABASE_URL": url, "OPENSES_SMTPS_PORT": str(smtps_ports[n])}
            port = free_port()
            processes.append(serve_process(env, port, tmp_path / f"openses-{n}.log"))
            assert httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200

        try:
            # at once, so that both may find no certificate and make one: the first kept wins
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(start, range(2)))
            presented = [
                ssl.get_server_certificate(("127.0.0.1", smtps_port), timeout=30)
                for smtps_port in smtps_ports
            ]
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=30)
    assert presented[0] == presented[1]
    assert presented[0].startswith("-----BEGIN CERTIFICATE-----")

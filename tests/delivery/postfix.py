"""A private Postfix instance for the end-to-end test: its own config_directory and
queue_directory in a temporary directory, listening on a free loopback port, relaying
everything to a given host:port (an aiosmtpd sink). Needs root and the Debian ``postfix``
package (``.ci/run`` installs it); nothing of the system's own Postfix is used or touched."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tests.support import free_port

POSTFIX = shutil.which("postfix") or "/usr/sbin/postfix"

_SERVICES = """\
{listen} inet n - n - - smtpd
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000 0 flush
proxymap unix - - n - - proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
"""


def unavailable() -> str | None:
    """Why a private Postfix cannot run here, or None."""
    if not Path(POSTFIX).exists():
        return "postfix is not installed (.ci/run installs the Debian package)"
    if os.geteuid() != 0:
        return "a private Postfix instance needs root (its daemons drop to the postfix user)"
    return None


@contextlib.contextmanager
def private_postfix(relay_host: str, relay_port: int) -> Iterator[int]:
    """Run Postfix in a directory of its own; yields the port its SMTP server listens on."""
    # Postfix's daemons run as the postfix user: the directory must be reachable for it
    # (pytest's temporary directories are private to root).
    directory = Path(tempfile.mkdtemp(prefix="openses-postfix-"))
    directory.chmod(0o755)
    try:
        with _running(directory, relay_host, relay_port) as port:
            yield port
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def _running(directory: Path, relay_host: str, relay_port: int) -> Iterator[int]:
    port = free_port()
    config = directory / "etc"
    queue = directory / "queue"
    data = directory / "data"
    for path in (config, queue, data):
        path.mkdir(parents=True)
    shutil.chown(data, "postfix")
    (config / "main.cf").write_text(
        "\n".join(
            [
                "compatibility_level = 3.6",
                f"queue_directory = {queue}",
                f"data_directory = {data}",
                "mail_owner = postfix",
                "setgid_group = postdrop",
                "inet_interfaces = 127.0.0.1",
                "inet_protocols = ipv4",
                "myhostname = postfix.openses.test",
                "mydestination =",
                "mynetworks = 127.0.0.0/8",
                "smtpd_relay_restrictions = permit_mynetworks, reject",
                f"relayhost = [{relay_host}]:{relay_port}",
                "alias_maps =",
                "alias_database =",
                "local_recipient_maps =",
                "smtp_tls_security_level = none",
                "smtpd_tls_security_level = none",
                "queue_run_delay = 1s",
                "minimal_backoff_time = 1s",
                "maximal_backoff_time = 2s",
                f"maillog_file = {directory / 'postfix.log'}",
                f"maillog_file_prefixes = {directory}",
                "",
            ]
        )
    )
    (config / "master.cf").write_text(_SERVICES.format(listen=f"127.0.0.1:{port}"))
    log = (directory / "master.out").open("ab")
    process = subprocess.Popen(
        [POSTFIX, "-c", str(config), "start-fg"], stdout=log, stderr=subprocess.STDOUT
    )
    try:
        _wait_for(port, process, directory)
        yield port
    finally:
        subprocess.run(
            [POSTFIX, "-c", str(config), "stop"], capture_output=True, check=False, timeout=30
        )
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def _wait_for(port: int, process: subprocess.Popen[bytes], directory: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    output = [
        (directory / name).read_text(errors="replace")
        for name in ("master.out", "postfix.log")
        if (directory / name).exists()
    ]
    raise RuntimeError("postfix did not start:\n" + "\n".join(output))

"""What the numbers were measured on."""

from __future__ import annotations

import os
import platform
from importlib.metadata import version
from pathlib import Path


def describe() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory_kb = int(line.split()[1])
    return (
        f"{os.cpu_count()} CPUs (nproc), {cpu}, {memory_kb / 1024 / 1024:.1f} GiB memory; "
        f"Python {platform.python_version()}, uvicorn {version('uvicorn')}, "
        f"moto {version('moto')}; load average before the run "
        f"{Path('/proc/loadavg').read_text().split()[0]}"
    )

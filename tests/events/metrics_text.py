"""Read one sample out of Prometheus' text format."""

from __future__ import annotations

import httpx


def sample(url: str, name: str, **labels: str) -> float:
    """The value of ``name{labels}`` at ``url`` (0 when the series does not exist yet)."""
    text = httpx.get(url, timeout=10).text
    wanted = name + (
        "{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}" if labels else ""
    )
    for line in text.splitlines():
        series, _, value = line.rpartition(" ")
        if series == wanted:
            return float(value)
    return 0.0

"""What a browser or the network must not do to openses, in either auth mode: a page on
another site using the API or a state-changing endpoint (``Sec-Fetch-Site: cross-site`` or a
foreign ``Origin``), a v1 GET that changes state, and a Host header openses does not answer to
(DNS rebinding: a page whose name resolves to 127.0.0.1). The mail-client paths (open and
click tracking, unsubscribe) are meant for any site and any Host (a CustomRedirectDomain)."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from urllib.parse import urlsplit

from openses.config import Settings
from openses.protocol.errors import AccessError, ProtocolError
from openses.services.list_management import UNSUBSCRIBE_PATH
from openses.tracking.links import CLICK_PATH, OPEN_PATH

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
# the paths a mail client or a recipient's browser reaches from a message
MAIL_CLIENT_PATHS = (OPEN_PATH, CLICK_PATH, UNSUBSCRIBE_PATH)
# Old SDKs send v1 reads as GET; an action that changes state must be a POST.
READ_ONLY_PREFIXES = ("Get", "List", "Describe")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def allowed_hosts(settings: Settings) -> frozenset[str] | None:
    """The Host names accepted; None accepts any (``*``, or bound beyond loopback with no
    OPENSES_ALLOWED_HOSTS). Bound to loopback, OPENSES_PUBLIC_URL's host is openses' own too
    (a proxy in front of it)."""
    if settings.allowed_hosts:
        if "*" in settings.allowed_hosts:
            return None
        return frozenset(settings.allowed_hosts)
    if is_loopback(settings.host):
        public = urlsplit(settings.public_url).hostname if settings.public_url else None
        return frozenset({*LOOPBACK_NAMES, settings.host.lower(), *([public] if public else [])})
    return None


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(host: str) -> str:
    """``Host: [::1]:8585`` -> ``::1``; ``Example.COM.:80`` -> ``example.com``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    if host.count(":") == 1:
        host = host.partition(":")[0]
    return host.rstrip(".")


class Guard:
    def __init__(self, settings: Settings) -> None:
        self._hosts = allowed_hosts(settings)
        public = urlsplit(settings.public_url) if settings.public_url else None
        self._public_origin = f"{public.scheme}://{public.netloc}".lower() if public else None

    def host_refusal(self, headers: Mapping[str, str]) -> str | None:
        host = headers.get("host")
        if self._hosts is None or host is None or host_name(host) in self._hosts:
            return None
        return (
            f"The Host header names '{host_name(host)}', which is not one of the hosts openses "
            "answers to (OPENSES_ALLOWED_HOSTS)."
        )

    def cross_site_refusal(self, headers: Mapping[str, str]) -> str | None:
        refused = "Cross-site requests from a browser are refused."
        if headers.get("sec-fetch-site", "").lower() == "cross-site":
            return refused
        origin = headers.get("origin")
        if origin is None:
            return None
        origin = origin.strip().lower()
        own = {f"http://{headers.get('host', '')}", f"https://{headers.get('host', '')}"}
        if origin in {o.lower() for o in own} or origin == self._public_origin:
            return None
        return refused

    def check(self, headers: Mapping[str, str]) -> None:
        """For the AWS APIs: raises AccessDenied (v1) / AccessDeniedException (v2)."""
        refusal = self.host_refusal(headers) or self.cross_site_refusal(headers)
        if refusal is not None:
            raise AccessError("AccessDenied", "AccessDeniedException", refusal)

    @staticmethod
    def check_v1_get(action: str) -> None:
        if not action.startswith(READ_ONLY_PREFIXES):
            raise ProtocolError(
                "MethodNotAllowed",
                f"The action {action} changes state and must be sent with POST.",
                405,
            )

    def web_refusal(self, method: str, path: str, headers: Mapping[str, str]) -> str | None:
        """For openses' own endpoints: the reason to refuse, or None."""
        if path.startswith(MAIL_CLIENT_PATHS):
            return None
        refusal = self.host_refusal(headers)
        if refusal is None and method not in SAFE_METHODS:
            refusal = self.cross_site_refusal(headers)
        return refusal

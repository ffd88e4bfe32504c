"""Tracking links for a message: when to track, which host and scheme, and rewriting the HTML
parts of the outgoing MIME message.

Opens are tracked when the configuration set has an enabled event destination for OPEN, clicks
when it has one for CLICK (SES developer guide, "open tracking" and "click tracking" FAQs). The
host is the set's CustomRedirectDomain, else the service's public URL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlsplit

from sqlalchemy import Engine

from openses.config import Settings
from openses.domain.clock import Clock
from openses.domain.configuration_set import ConfigurationSet
from openses.domain.event_destination import EventType
from openses.domain.options import HttpsPolicy, TrackingOptions
from openses.store import tracking_keys as stored_keys
from openses.store.unit_of_work import UnitOfWork
from openses.tracking import keys, rewrite
from openses.tracking.tokens import Claims, Kind, LinkTags, sign

OPEN_PATH = "/_openses/t/o/"
CLICK_PATH = "/_openses/t/c/"
_WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}


def public_url(settings: Settings) -> str:
    if settings.public_url:
        return settings.public_url.rstrip("/")
    host = _WILDCARD_HOSTS.get(settings.host, settings.host)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{settings.port}"


def base_url(
    options: TrackingOptions | None, public: str, *, kind: Kind, link_scheme: str = "http"
) -> str:
    """Where tracking links point. With a custom redirect domain, HttpsPolicy picks the scheme
    (SES API reference, PutConfigurationSetTrackingOptions): REQUIRE makes both https,
    REQUIRE_OPEN_ONLY makes opens https and keeps each link's own scheme for clicks, OPTIONAL
    or none makes opens http and keeps each link's scheme for clicks."""
    if options is None:
        return public
    policy = options.https_policy or HttpsPolicy.OPTIONAL
    if kind is Kind.OPEN:
        scheme = "http" if policy is HttpsPolicy.OPTIONAL else "https"
    else:
        scheme = "https" if policy is HttpsPolicy.REQUIRE else link_scheme.lower()
    return f"{scheme}://{options.custom_redirect_domain}"


class Tracker:
    """One service's tracking: its signing keys and its public URL."""

    def __init__(self, keyring: keys.Keyring, public: str) -> None:
        self.keyring = keyring
        self.public_url = public

    def rewriter(
        self,
        configuration_set: ConfigurationSet | None,
        account_id: str,
        region: str,
        message_id: str,
        overrides: TrackingOverrides | None = None,
    ) -> Callable[[str], str] | None:
        """The HTML rewrite for one message, or None when it tracks nothing: the set tracks
        what its destinations want, unless the send's overrides say otherwise."""
        opens = _wanted(configuration_set, EventType.OPEN)
        clicks = _wanted(configuration_set, EventType.CLICK)
        if overrides is not None:
            opens = opens if overrides.opens is None else overrides.opens
            clicks = clicks if overrides.clicks is None else overrides.clicks
        key = self.keyring.signing_key() if opens or clicks else None
        if key is None:
            return None
        options = configuration_set.tracking_options if configuration_set is not None else None

        def token(kind: Kind, link: str = "", tags: LinkTags = ()) -> str:
            claims = Claims(
                kind=kind,
                account_id=account_id,
                region=region,
                message_id=message_id,
                link=link,
                link_tags=tags,
            )
            return sign(claims, key)

        def track_link(link: str, tags: LinkTags) -> str:
            scheme = urlsplit(link).scheme
            base = base_url(options, self.public_url, kind=Kind.CLICK, link_scheme=scheme)
            return base + CLICK_PATH + token(Kind.CLICK, link, tags)

        open_url = (
            base_url(options, self.public_url, kind=Kind.OPEN) + OPEN_PATH + token(Kind.OPEN)
            if opens
            else None
        )
        return lambda html: rewrite.rewrite(
            html, open_pixel_url=open_url, track_link=track_link if clicks else None
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackingOverrides:
    """v2 ConfigurationOverrides.Tracking: True (ENABLED) or False (DISABLED) tracks opens or
    clicks whatever the set says; None leaves it to the set."""

    opens: bool | None = None
    clicks: bool | None = None


def _wanted(configuration_set: ConfigurationSet | None, event_type: EventType) -> bool:
    return configuration_set is not None and bool(configuration_set.destinations_for(event_type))


def _html_parts(message: EmailMessage) -> list[EmailMessage]:
    return [
        part
        for part in message.walk()
        if isinstance(part, EmailMessage)
        and part.get_content_type() == "text/html"
        and not part.is_attachment()
    ]


def _rewrite_part(part: EmailMessage, rewrite_html: Callable[[str], str]) -> None:
    try:
        original = part.get_content()
    except (LookupError, UnicodeError):
        return  # an unknown charset: deliver the part as it came
    if not isinstance(original, str):
        return
    changed = rewrite_html(original)
    if changed == original:
        return
    kept = [
        (name, value)
        for name, value in part.items()
        if name.lower().startswith("content-")
        and name.lower() not in ("content-type", "content-transfer-encoding")
    ]
    part.set_content(changed, subtype="html", charset=part.get_content_charset() or "utf-8")
    for name, value in kept:
        del part[name]
        part[name] = value


def build_tracker(
    engine: Engine, settings: Settings, clock: Clock, *, refresh_seconds: float = 30.0
) -> Tracker:
    """The service's tracker, a signing key made sure of (``bootstrap.py`` builds it once)."""
    stored_keys.ensure_key(engine, clock())
    return Tracker(
        keys.Keyring(engine, clock, refresh_seconds=refresh_seconds), public_url(settings)
    )


def _rewriter(
    tracker: Tracker | None,
    uow: UnitOfWork,
    configuration_set: ConfigurationSet | None,
    message_id: str,
    overrides: TrackingOverrides | None = None,
) -> Callable[[str], str] | None:
    if tracker is None or (configuration_set is None and overrides is None):
        return None
    return tracker.rewriter(configuration_set, uow.account_id, uow.region, message_id, overrides)


def track_html(
    tracker: Tracker | None,
    uow: UnitOfWork,
    configuration_set: ConfigurationSet | None,
    message_id: str,
    html: str,
    overrides: TrackingOverrides | None = None,
) -> str:
    """The send pipeline's hook for HTML it builds: the HTML with the set's tracking, if any."""
    rewrite_html = _rewriter(tracker, uow, configuration_set, message_id, overrides)
    return html if rewrite_html is None else rewrite_html(html)


def track_message(
    tracker: Tracker | None,
    uow: UnitOfWork,
    configuration_set: ConfigurationSet | None,
    message_id: str,
    message: EmailMessage,
    overrides: TrackingOverrides | None = None,
) -> None:
    """The send pipeline's hook for raw messages: rewrite their HTML parts in place."""
    rewrite_html = _rewriter(tracker, uow, configuration_set, message_id, overrides)
    if rewrite_html is not None:
        for part in _html_parts(message):
            _rewrite_part(part, rewrite_html)

"""One frozen Settings object, read from flags and ``OPENSES_*`` environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8585
    database_url: str = "sqlite:///openses.db"
    default_account_id: str = DEFAULT_ACCOUNT_ID
    # access key id -> account id; keys not listed fall back to the rules in protocol/auth.py
    access_keys: Mapping[str, str] = field(default_factory=dict)
    max_configuration_sets: int = 10_000
    # New identities verify at once; False keeps them Pending until verified via /_openses.
    auto_verify_identities: bool = True

    @classmethod
    def from_environ(
        cls, environ: Mapping[str, str] | None = None, **overrides: object
    ) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        if "OPENSES_HOST" in env:
            values["host"] = env["OPENSES_HOST"]
        if "OPENSES_PORT" in env:
            values["port"] = int(env["OPENSES_PORT"])
        if "OPENSES_DATABASE_URL" in env:
            values["database_url"] = env["OPENSES_DATABASE_URL"]
        if "OPENSES_DEFAULT_ACCOUNT_ID" in env:
            values["default_account_id"] = env["OPENSES_DEFAULT_ACCOUNT_ID"]
        if "OPENSES_ACCESS_KEYS" in env:
            values["access_keys"] = parse_access_keys(env["OPENSES_ACCESS_KEYS"])
        if "OPENSES_MAX_CONFIGURATION_SETS" in env:
            values["max_configuration_sets"] = int(env["OPENSES_MAX_CONFIGURATION_SETS"])
        if "OPENSES_AUTO_VERIFY_IDENTITIES" in env:
            values["auto_verify_identities"] = _flag(env["OPENSES_AUTO_VERIFY_IDENTITIES"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


def parse_access_keys(text: str) -> dict[str, str]:
    """Parse ``KEY1=ACCOUNT1,KEY2=ACCOUNT2`` into a mapping."""
    pairs = (item.split("=", 1) for item in text.split(",") if item.strip())
    return {key.strip(): account.strip() for key, account in pairs}


def _flag(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "on")

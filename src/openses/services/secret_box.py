"""The encryption of stored secret access keys. SigV4 verification needs each secret itself,
so it is kept encrypted (Fernet: AES-128-CBC with HMAC-SHA256) with a key that is not in the
database: ``OPENSES_SECRET_KEY``, else a key file beside a SQLite database, made once."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from openses.config import Settings
from openses.store.database import sqlite_path

_INFO = b"openses access key secrets"


class SecretKeyError(Exception):
    """No key to seal or open secrets with, or the wrong one; the message says what to do."""


class SecretBox:
    def __init__(self, master: bytes) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(master)
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode("utf-8")).decode("ascii")

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise SecretKeyError(
                "a stored secret access key does not open with this key: OPENSES_SECRET_KEY "
                "(or the key file) is not the one the key was created with"
            ) from None


def key_file(settings: Settings) -> Path | None:
    """``openses.db.key`` beside ``openses.db``; None for PostgreSQL and in-memory SQLite."""
    path = sqlite_path(settings.database_url)
    return None if path is None else path.with_name(path.name + ".key")


def secret_box(settings: Settings, *, create: bool) -> SecretBox:
    """The box of ``settings``; ``create`` makes the key file (mode 0600) when it is missing."""
    if settings.secret_key:
        return SecretBox(settings.secret_key.encode("utf-8"))
    path = key_file(settings)
    if path is None:
        raise SecretKeyError(
            "set OPENSES_SECRET_KEY: secret access keys in a PostgreSQL database are "
            "encrypted with it (it must not be stored in the database)"
        )
    if not path.exists():
        if not create:
            raise SecretKeyError(f"no key file at {path}: set OPENSES_SECRET_KEY or restore it")
        # written whole under another name, then linked in: no reader sees half a key, and of
        # processes racing, the first link wins and the others use its key
        draft = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(Fernet.generate_key() + b"\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return SecretBox(path.read_bytes().strip())

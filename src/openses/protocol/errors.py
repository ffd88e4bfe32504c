"""Errors raised while reading a request off the wire, before any operation runs."""

from __future__ import annotations


class ProtocolError(Exception):
    """A request the protocol layer rejects; ``code`` and ``status`` are sent as they are."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


class ValidationError(ProtocolError):
    """Input that breaks the model's constraints (required, type, length, range, pattern, enum)."""

    def __init__(self, message: str) -> None:
        super().__init__("ValidationError", message)


class SerializationError(ProtocolError):
    """A body that cannot be read at all (not JSON, not UTF-8); AWS calls this serialization."""

    def __init__(self, message: str) -> None:
        super().__init__("SerializationException", message)


class UnknownOperationError(ProtocolError):
    pass


class AccessError(ProtocolError):
    """A request refused before any operation runs, named differently on each wire: ``code``
    on v1 (Query) and ``v2_code`` on v2 (REST-JSON); HTTP 403 unless told."""

    def __init__(
        self,
        code: str,
        v2_code: str,
        message: str,
        v2_message: str | None = None,
        status: int = 403,
    ) -> None:
        super().__init__(code, message, status)
        self.v2_code = v2_code
        self.v2_message = message if v2_message is None else v2_message

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

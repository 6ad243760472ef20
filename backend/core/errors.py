"""Domain errors raised by services and turned into pages, JSON or exit codes at the edge."""

from __future__ import annotations


class DomainError(Exception):
    """Base of the errors a service raises on purpose."""


class NotFound(DomainError):
    """The record does not exist *or is outside the caller's scope* (no probing)."""


class Forbidden(DomainError):
    """The caller's role may not do this to a record it can see."""


class Invalid(DomainError):
    """Input refused; ``errors`` maps a field name to a translated message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors

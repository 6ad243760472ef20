"""Scope, roles, password hashing (Argon2, off the event loop) and random tokens."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = ("director", "inspector", "assessor", "finance", "admin")

_hasher = PasswordHasher()


@dataclass(frozen=True)
class Scope:
    """Who acts and what they may see: all (admin), one county, or one home.

    Every service takes a Scope and filters by it; rows outside it are "not found".
    A director's scope names their home and, for reading, that home's county.
    """

    user_id: int | None
    username: str
    role: str
    county_id: int | None = None
    home_id: int | None = None

    @classmethod
    def system(cls, name: str = "system") -> Scope:
        """The command line and the scheduler act with the whole scope."""
        return cls(user_id=None, username=name, role="admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def kind(self) -> str:
        if self.role == "admin":
            return "all"
        return "home" if self.role == "director" else "county"


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str, password: str) -> bool:
    def check() -> bool:
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check)


@functools.cache
def dummy_hash() -> str:
    """A hash to verify against when the username is unknown, so timing does not reveal it.
    Made on first use, not at import: hashing costs ~0.2 s, which every `tekun` command paid."""
    return _hasher.hash(secrets.token_urlsafe(16))


def new_token(prefix: str = "") -> tuple[str, str]:
    """A random token and its sha256 (only the digest is stored)."""
    token = prefix + secrets.token_urlsafe(32)
    return token, token_digest(token)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sign(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()

"""Password hashing with Argon2id (argon2-cffi), and the unguessable part of public links."""

from __future__ import annotations

import base64
import hashlib
import hmac

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"kata sandi minimal {MIN_PASSWORD} karakter")
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    if not stored:
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def tracking_key(secret: str, ticket: str) -> str:
    """The unguessable part of a case's public tracking link: ticket codes are sequential, so
    the code alone must not open a citizen's case. An HMAC of the ticket under the secret key
    (8 base32 letters, 40 bits): nothing to store, the same for every process of a deployment,
    and unknown to anyone without the key."""
    mac = hmac.new(secret.encode(), ticket.strip().upper().encode(), hashlib.sha256).digest()
    return base64.b32encode(mac)[:8].decode().lower()


def tracking_key_ok(secret: str, ticket: str, key: str | None) -> bool:
    return bool(key) and hmac.compare_digest(tracking_key(secret, ticket), (key or "").lower())

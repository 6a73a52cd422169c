"""Password policy and argon2id hashing of advisor passwords."""

from __future__ import annotations

import re
import secrets
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 128
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")
#: Named cost profiles; tests use the cheapest so that they stay fast.
HASH_PROFILES = {
    "default": profiles.RFC_9106_LOW_MEMORY,
    "cheapest": profiles.CHEAPEST,
}
_DECORATION = re.compile(r"^[\W\d_]+|[\W\d_]+$")


class PasswordRejected(ValueError):
    """The password does not meet the policy; the message says why."""


@cache
def common_words() -> frozenset[str]:
    """Passwords and words that are among the first an attacker tries."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip())


def policy_problem(password: str, email: str = "") -> str | None:
    """Why a password is refused (in English, for the command line), or None if it is fine."""
    if len(password) < MIN_LENGTH:
        return f"The password must have at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"The password may have at most {MAX_LENGTH} characters."
    folded = password.casefold()
    core = _DECORATION.sub("", folded)
    if folded in common_words() or core in common_words() or _is_repetition(folded):
        return "This password is too common; choose one that is hard to guess."
    local_part = email.casefold().partition("@")[0]
    if len(local_part) >= 4 and local_part in folded and len(folded) - len(local_part) < 8:
        return "The password must not be built on the e-mail address."
    return None


def _is_repetition(text: str) -> bool:
    """Whether the text is one piece repeated ('abcabcabcabc'), or has three letters or fewer."""
    if len(set(text)) <= 3:
        return True
    return any(
        text == text[:size] * (len(text) // size)
        for size in range(1, len(text) // 2 + 1)
        if len(text) % size == 0
    )


def generate_password() -> str:
    """A random password of 20 URL-safe characters (about 120 bits)."""
    return secrets.token_urlsafe(15)


class Hasher:
    """argon2id with a named cost profile."""

    def __init__(self, profile: str = "default") -> None:
        self._hasher = PasswordHasher.from_parameters(HASH_PROFILES[profile])
        self._dummy = self._hasher.hash(secrets.token_hex(16))

    def hash(self, password: str) -> str:
        """The argon2id hash of a password."""
        return self._hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        """Whether the password matches; takes as long for a missing account as for a real one."""
        try:
            return self._hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        """Whether the hash was made with other parameters than the current ones."""
        return self._hasher.check_needs_rehash(stored)

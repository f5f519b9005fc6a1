"""Receipt codes: 16 digits from the operating system's CSPRNG (`secrets`), shown once, never stored.

Stored: the first PREFIX_DIGITS digits (an index that narrows the search to a handful of rows) and a
salted scrypt hash of the whole code. A look-up hashes the code against every row sharing the prefix,
padded with decoy hashes to at least MIN_CHECKS, and compares in constant time: a wrong code costs the
same whether or not a declaration has that prefix, so nothing can be enumerated (docs/rules.md,
"Anonymous reports"). The look-up is rate-limited by the pages (intake.throttle).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from .models import Receipt

DIGITS = 16
PREFIX_DIGITS = 5
MIN_CHECKS = 3
# scrypt cost: 16 MiB and a few tens of milliseconds per check on a server; far too slow to try 10^11 codes.
SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES = 2**14, 8, 1, 32


def new_code() -> str:
    return f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"


def display_code(code: str) -> str:
    """1234 5678 9012 3456: four groups, easier to copy by hand."""
    return " ".join(code[i : i + 4] for i in range(0, DIGITS, 4))


def normalise(text: str) -> str | None:
    """The 16 digits typed, whatever spaces or dashes separate them; None when it cannot be a code."""
    digits = "".join(char for char in (text or "")[:64] if char not in " -\u00a0\t")
    return digits if len(digits) == DIGITS and digits.isascii() and digits.isdigit() else None


def _scrypt(code: str, salt: bytes) -> bytes:
    return hashlib.scrypt(
        code.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=KEY_BYTES, maxmem=64 * 1024 * 1024
    )


def digest_of(code: str) -> str:
    salt = secrets.token_bytes(16)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${_scrypt(code, salt).hex()}"


def _matches(code: str, digest: str) -> bool:
    try:
        _name, _n, _r, _p, salt, expected = digest.split("$")
        return hmac.compare_digest(_scrypt(code, bytes.fromhex(salt)).hex(), expected)
    except ValueError:
        return False


_DECOY = digest_of(new_code())


def receipt_find(text: str) -> Receipt | None:
    """The receipt this code opens, or None; the same work whatever the answer (module docstring)."""
    code = normalise(text) or "0" * DIGITS
    candidates = list(Receipt.objects.filter(prefix=code[:PREFIX_DIGITS]).select_related("incident"))
    found = None
    for receipt in candidates:
        if _matches(code, receipt.digest) and found is None:
            found = receipt
    for _decoy in range(MIN_CHECKS - len(candidates)):
        _matches(code, _DECOY)
    return found if normalise(text) else None

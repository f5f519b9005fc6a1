"""Receipt codes: 16 CSPRNG digits, only a prefix and a slow hash kept, look-ups that reveal nothing."""

import pytest

from incidents.models import Incident
from intake import receipts
from intake.models import Receipt
from intake.receipts import DIGITS, MIN_CHECKS, PREFIX_DIGITS, display_code, normalise, receipt_find
from intake.services import intake_declare


def test_codes_are_sixteen_random_digits():
    codes = {receipts.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == DIGITS and code.isdigit() for code in codes)
    assert display_code("1234567890123456") == "1234 5678 9012 3456"


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("1234 5678 9012 3456", "1234567890123456"),
        ("1234-5678-9012-3456", "1234567890123456"),
        ("123456789012345", None),
        ("12345678901234567", None),
        ("1234 5678 9012 345x", None),
        ("١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦", None),  # non-ASCII digits are not a code
    ],
)
def test_normalise(typed, expected):
    assert normalise(typed) == expected


def test_only_the_prefix_and_a_slow_hash_are_stored(db, org, declaration):
    declared = intake_declare(source=Incident.Source.ANONYMOUS, **declaration())
    row = Receipt.objects.get(incident=declared.incident)
    assert row.prefix == declared.code[:PREFIX_DIGITS]
    assert declared.code not in row.digest and declared.code[PREFIX_DIGITS:] not in row.digest
    assert row.digest.startswith("scrypt$16384$8$1$")
    # The same code hashed twice gives two digests (salted).
    assert receipts.digest_of(declared.code) != row.digest


def test_lookup_finds_only_the_exact_code(db, org, declaration):
    declared = intake_declare(source=Incident.Source.ANONYMOUS, **declaration())
    assert receipt_find(display_code(declared.code)).incident_id == declared.incident.pk
    wrong = declared.code[:-1] + str((int(declared.code[-1]) + 1) % 10)
    assert receipt_find(wrong) is None
    assert receipt_find("not a code") is None


def test_lookup_does_the_same_work_whatever_the_answer(db, org, declaration, monkeypatch):
    """Found, same prefix but wrong, unknown prefix, malformed: as many slow hashes each time."""
    declared = intake_declare(source=Incident.Source.ANONYMOUS, **declaration())
    calls = []
    real = receipts._scrypt
    monkeypatch.setattr(receipts, "_scrypt", lambda code, salt: calls.append(1) or real(code, salt))
    counts = []
    wrong_same_prefix = declared.code[:PREFIX_DIGITS] + "0" * (DIGITS - PREFIX_DIGITS)
    other_prefix = str((int(declared.code[0]) + 1) % 10) + declared.code[1:]
    for typed in (declared.code, wrong_same_prefix, other_prefix, "garbage"):
        calls.clear()
        receipt_find(typed)
        counts.append(len(calls))
    assert counts == [MIN_CHECKS] * 4

"""The hash chain of the audit trail: each row's hash covers its content and the previous row's hash.

A read adds its row with an empty `chain_hash` (one INSERT, no lock: reads are never serialised). The
sealing job (`seal_pending`: beat every minute, and `manage.py verify_audit` before it checks) then gives
each row, in id order, the hash of its content chained to the previously sealed row, and moves the head.
Only the sealing job locks the head, so two sealers never interleave. Rows younger than
AUDIT_SEAL_DELAY_SECONDS wait: a request still open may yet commit a row with a smaller id, and the chain
follows ids (docs/rules.md, "Audit").
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import AuditChainHead, AuditRecord

GENESIS = "0" * 64
FIELDS = (
    "id",
    "at",
    "actor_id",
    "actor_label",
    "kind",
    "channel",
    "object_type",
    "object_id",
    "reference",
    "incident_id",
    "client_ip",
    "request_id",
    "detail",
)


def _canonical(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def row_hash(values: dict, previous_hash: str) -> str:
    """SHA-256 of the previous hash and the row's fields in a fixed order (JSON, sorted keys)."""
    content = {name: _canonical(values[name]) for name in FIELDS}
    payload = json.dumps([previous_hash, content], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def record_values(record: AuditRecord) -> dict:
    return {name: getattr(record, name) for name in FIELDS}


def locked_head() -> AuditChainHead:
    """The chain head, locked until the end of the transaction (one sealer or purger at a time)."""
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditChainHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS, "anchor_hash": GENESIS})
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def seal_delay() -> timedelta:
    return timedelta(seconds=getattr(settings, "AUDIT_SEAL_DELAY_SECONDS", 60))


def seal_pending(*, batch: int = 2000) -> int:
    """Seal the settled rows after the head, oldest id first; returns how many. Idempotent."""
    settled_before = timezone.now() - seal_delay()
    sealed = 0
    while True:
        with transaction.atomic():
            head = locked_head()
            pending = list(AuditRecord.objects.filter(id__gt=head.last_id).order_by("id")[:batch])
            ready = []
            for record in pending:
                if record.at > settled_before or record.chain_hash:
                    break  # too young to be sure nothing smaller is still to commit; or already sealed
                record.chain_hash = row_hash(record_values(record), head.last_hash)
                head.last_id, head.last_hash = record.id, record.chain_hash
                ready.append(record)
            if not ready:
                return sealed
            # One UPDATE for the batch; it sets chain_hash only, the one change the guard accepts.
            AuditRecord.objects.bulk_update(ready, ["chain_hash"])
            head.save(update_fields=["last_id", "last_hash"])
        sealed += len(ready)
        if len(ready) < batch:
            return sealed

"""Checking the audit chain (`manage.py verify_audit`): every sealed row's hash is recomputed from its
content and the previous sealed row's hash (so an edit, an insertion or a removal breaks it), and the head
names the last sealed row. Rows after the head are waiting for the sealing job (portal.audit.chain)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .chain import GENESIS, record_values, row_hash
from .models import AuditChainHead, AuditRecord


@dataclass
class Verdict:
    checked: int = 0
    pending: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(*, chunk_size: int = 2000) -> Verdict:
    verdict = Verdict()
    head = AuditChainHead.objects.filter(pk=1).first()
    expected_previous = head.anchor_hash if head else GENESIS
    last_sealed_id = head.last_id if head else 0
    last = None
    for record in AuditRecord.objects.order_by("id").iterator(chunk_size=chunk_size):
        if record.id > last_sealed_id:
            if record.chain_hash:
                verdict.problems.append(f"row {record.id}: sealed after the end of the chain")
            verdict.pending += 1
            continue
        verdict.checked += 1
        if not record.chain_hash:
            verdict.problems.append(f"row {record.id}: inserted inside the sealed chain")
            continue
        if row_hash(record_values(record), expected_previous) != record.chain_hash:
            verdict.problems.append(f"row {record.id}: content changed, or a row before it was removed or inserted")
        expected_previous, last = record.chain_hash, record
    if head is not None:
        if last is None and head.last_id > head.purged_through_id:
            verdict.problems.append(f"rows up to {head.last_id} were written, none is left")
        elif last is not None and (last.id != head.last_id or last.chain_hash != head.last_hash):
            verdict.problems.append(f"the last row is {last.id}, the chain ends at {head.last_id}: rows removed")
    return verdict

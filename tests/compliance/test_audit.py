"""The audit trail of reads (docs/rules.md, "Audit"): every path writes one row, rows cannot be changed
(no admin change or delete; a PostgreSQL trigger that lets only the sealing through) and
`manage.py verify_audit` seals, then finds any edit, insertion or removal."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from incidents.models import Incident
from incidents.services import register_entry_create
from portal.audit.models import AuditRecord
from portal.audit.services import audit_record
from portal.audit.verify import verify_chain
from tests.incidents.factories import declare
from tests.incidents.test_register import values

K = AuditRecord.Kind


@pytest.fixture(autouse=True)
def seal_at_once(settings):
    """The rows of a test are settled at once (in production they wait AUDIT_SEAL_DELAY_SECONDS)."""
    settings.AUDIT_SEAL_DELAY_SECONDS = 0


@pytest.fixture
def incident(org):
    return declare(
        org.user("alice"),
        category=Incident.Category.PATIENT_INFO,
        patient_info_exposed=True,
        route_choice="dcai",
        route_reason="x",
    )


@pytest.fixture
def entry(org, incident):
    return register_entry_create(incident=incident, actor=org.user("diane"), values=values())


def test_the_incident_page_writes_one_audit_row_with_who_where_how(org, login, incident):
    login(org.user("diane")).get(incident.get_absolute_url(), REMOTE_ADDR="10.1.2.3")
    row = AuditRecord.objects.get(kind=K.INCIDENT_VIEW)
    assert (row.actor, row.channel, row.incident_id, row.reference) == (
        org.user("diane"),
        "page",
        incident.pk,
        incident.reference,
    )
    assert row.client_ip == "10.1.2.3" and row.at is not None


def test_an_admin_read_writes_an_audit_row(org, client, incident, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(root, backend="portal.accounts.backends.PortalPasswordBackend")
    response = client.get(reverse("admin:incidents_incident_change", args=[incident.pk]))
    assert response.status_code == 200
    row = AuditRecord.objects.get(channel="admin")
    assert (row.actor, row.kind, row.incident_id) == (root, K.INCIDENT_VIEW, incident.pk)
    # The admin offers no change nor delete of audit rows, even to a superuser.
    record = AuditRecord.objects.first()
    assert client.get(reverse("admin:audit_auditrecord_delete", args=[record.pk])).status_code == 403
    assert client.post(reverse("admin:audit_auditrecord_change", args=[record.pk]), {}).status_code == 403


def test_register_page_export_and_commission_copy_are_audited(org, login, entry):
    client = login(org.user("diane"))
    client.get(entry.get_absolute_url())
    response = client.get(reverse("incidents:register_export", args=["csv"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) if response.streaming else response.content
    client.get(reverse("incidents:register_commission_one", args=[entry.pk]))
    kinds = list(AuditRecord.objects.order_by("id").values_list("kind", "channel", "actor"))
    diane = org.user("diane").pk
    assert kinds == [
        (K.REGISTER_VIEW, "page", diane),
        (K.REGISTER_EXPORT, "export", diane),
        (K.COMMISSION_COPY, "export", diane),
    ]


def test_anonymous_path_keeps_no_identity(rf, org):
    request = rf.get("/", REMOTE_ADDR="10.9.9.9")
    request.user = org.user("alice")
    row = audit_record(kind=K.INCIDENT_VIEW, channel="anonymous", request=request, anonymous=True, reference="INC-1")
    assert row.actor is None and row.actor_label == "" and row.client_ip is None and row.request_id == ""


def _bypass_the_guard():
    """As someone with the table owner's rights would (until the end of the test's transaction)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own deferred checks first
            cursor.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER audit_record_no_update")


def test_verify_audit_passes_on_an_intact_chain_and_finds_an_edit(org, login, incident):
    client = login(org.user("diane"))
    for _ in range(3):
        client.get(incident.get_absolute_url())
    call_command("verify_audit")
    assert verify_chain().checked == 3
    _bypass_the_guard()
    second = AuditRecord.objects.order_by("id")[1].id
    # A sealed row edited behind the application's back (SQL as the application): found.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET actor_label = 'someone else' WHERE id = %s", [second])
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")
    assert any(f"row {second}: content changed" in p for p in verify_chain().problems)


def test_verify_audit_finds_a_deleted_row(org, login, incident):
    client = login(org.user("diane"))
    for _ in range(3):
        client.get(incident.get_absolute_url())
    call_command("verify_audit")
    _bypass_the_guard()
    first, second, third = AuditRecord.objects.order_by("id").values_list("id", flat=True)
    AuditRecord.objects.filter(id=second).delete()
    problems = verify_chain().problems
    assert any(f"row {third}: content changed, or a row before it was removed" in p for p in problems)
    AuditRecord.objects.filter(id=third).delete()  # the last row: the head still names it
    assert any("rows removed" in p for p in verify_chain().problems)


def test_a_read_costs_one_insert_and_takes_no_lock(rf, org):
    from django.test.utils import CaptureQueriesContext

    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    request.user = org.user("diane")
    with CaptureQueriesContext(connection) as queries:
        row = audit_record(kind=K.INCIDENT_VIEW, channel="page", request=request, reference="INC-1")
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) == 1 and statements[0].startswith("INSERT"), statements
    assert "FOR UPDATE" not in statements[0]
    assert row.chain_hash == "" and row.actor == org.user("diane")


def test_sealing_chains_rows_in_id_order_and_is_idempotent(org, settings):
    from portal.audit.chain import seal_pending
    from portal.audit.models import AuditChainHead

    rows = [audit_record(kind=K.INCIDENT_VIEW, channel="page", reference=f"INC-{n}") for n in range(5)]
    assert seal_pending(batch=2) == 5  # several batches
    sealed = list(AuditRecord.objects.order_by("id").values_list("id", "chain_hash"))
    assert [i for i, _ in sealed] == [r.id for r in rows] and all(h for _, h in sealed)
    head = AuditChainHead.objects.get()
    assert (head.last_id, head.last_hash) == sealed[-1]
    assert seal_pending() == 0
    assert list(AuditRecord.objects.order_by("id").values_list("id", "chain_hash")) == sealed
    assert verify_chain().ok and verify_chain().checked == 5
    # A row younger than the delay waits for the next run; the chain is still intact meanwhile.
    settings.AUDIT_SEAL_DELAY_SECONDS = 60
    audit_record(kind=K.INCIDENT_VIEW, channel="page", reference="INC-young")
    assert seal_pending() == 0
    verdict = verify_chain()
    assert verdict.ok and verdict.pending == 1


def test_anonymous_rows_keep_no_identity_once_sealed(rf, org):
    from portal.audit.chain import seal_pending

    request = rf.get("/", REMOTE_ADDR="10.9.9.9")
    request.user = org.user("alice")
    audit_record(kind=K.INCIDENT_VIEW, channel="anonymous", request=request, anonymous=True, reference="INC-1")
    seal_pending()
    row = AuditRecord.objects.get()
    assert row.chain_hash and row.actor_id is None and row.actor_label == ""
    assert row.client_ip is None and row.request_id == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database guard exists on PostgreSQL only")
def test_on_postgresql_the_database_refuses_to_change_or_delete_audit_rows(org, login, incident):
    from portal.audit.chain import seal_pending

    login(org.user("diane")).get(incident.get_absolute_url())
    row = AuditRecord.objects.get()
    assert row.chain_hash == ""
    # Unsealed: any change but the sealing alone is refused, even together with a seal.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditRecord.objects.filter(pk=row.pk).update(actor_label="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditRecord.objects.filter(pk=row.pk).update(chain_hash="f" * 64, reference="INC-other")
    assert seal_pending() == 1
    # Sealed: neither resealed, nor unsealed, nor edited.
    for change in ({"chain_hash": "f" * 64}, {"chain_hash": ""}, {"actor_label": "x"}):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditRecord.objects.filter(pk=row.pk).update(**change)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditRecord.objects.filter(pk=row.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET kind = 'x'")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own deferred checks, not the guard
        cursor.execute("SET LOCAL portal.audit_maintenance = 'off'")  # as the application runs
        cursor.execute("TRUNCATE audit_auditrecord CASCADE")
    call_command("verify_audit")


def test_retention_drops_only_rows_past_the_period_and_the_chain_still_verifies(org, settings):
    from datetime import timedelta
    from unittest import mock

    from django.utils import timezone

    from portal.audit.retention import audit_purge

    settings.AUDIT_RETENTION_YEARS = 6
    old = timezone.now() - timedelta(days=365 * 6 + 10)
    with mock.patch("portal.audit.services.timezone.now", return_value=old):
        audit_record(kind=K.INCIDENT_VIEW, channel="page", actor=org.user("diane"), reference="INC-OLD-1")
        audit_record(kind=K.INCIDENT_VIEW, channel="page", actor=org.user("diane"), reference="INC-OLD-2")
    audit_record(kind=K.INCIDENT_VIEW, channel="page", actor=org.user("diane"), reference="INC-NEW")
    assert audit_purge() == 2
    assert list(AuditRecord.objects.values_list("reference", flat=True)) == ["INC-NEW"]
    assert audit_purge() == 0
    call_command("verify_audit")


def test_a_retention_shorter_than_the_registers_is_refused(settings):
    from django.core.exceptions import ImproperlyConfigured

    from portal.audit.retention import audit_retention_years

    settings.REGISTER_RETENTION_YEARS = 6
    settings.AUDIT_RETENTION_YEARS = 5
    with pytest.raises(ImproperlyConfigured, match="AUDIT_RETENTION_YEARS"):
        audit_retention_years()


def test_a_staff_export_is_audited(org, login):
    response = login(org.user("diane")).get(reverse("roster:export", args=["csv"]) + "?statut=active")
    assert response.status_code == 200
    row = AuditRecord.objects.get(kind=K.STAFF_EXPORT)
    assert (row.actor, row.channel, row.object_type) == (org.user("diane"), "export", "roster")
    assert row.detail == {"format": "csv", "filters": "statut=active"}


def test_dcai_audit_page_searches_and_its_export_is_audited(org, login, incident):
    login(org.user("alice")).get(incident.get_absolute_url())  # alice reads her own declaration
    client = login(org.user("diane"))
    client.get(incident.get_absolute_url())
    page = client.get(reverse("audit:list"), {"person": "alice", "kind": K.INCIDENT_VIEW})
    assert [r.actor for r in page.context["records"]] == [org.user("alice")]
    by_incident = client.get(reverse("audit:list"), {"incident": incident.reference})
    assert len(by_incident.context["records"]) == 2
    bad = client.get(reverse("audit:list"), {"start": "2026-05-02", "end": "2026-05-01"})
    assert "La date de début est après la date de fin." in bad.content.decode()
    export = client.get(reverse("audit:export"), {"incident": incident.reference})
    content = b"".join(export.streaming_content) if export.streaming else export.content
    assert content.decode("utf-8-sig").count(incident.reference) == 2
    assert AuditRecord.objects.filter(kind=K.AUDIT_EXPORT, actor=org.user("diane")).count() == 1


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "harry", "oscar"])
def test_only_dcai_reads_the_audit(org, login, name):
    client = login(org.user(name))
    assert client.get(reverse("audit:list")).status_code == 404
    assert client.get(reverse("audit:export")).status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent sealers need a server database")
@pytest.mark.django_db(transaction=True)
def test_concurrent_sealers_seal_each_row_once_in_order(org):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    from portal.audit.chain import seal_pending

    for n in range(60):
        audit_record(kind=K.INCIDENT_VIEW, channel="page", reference=f"INC-{n}")

    def seal() -> int:
        try:
            return seal_pending(batch=7)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = list(pool.map(lambda _: seal(), range(4)))
    assert sum(counts) == 60
    verdict = verify_chain()
    assert verdict.ok and verdict.checked == 60 and verdict.pending == 0

"""The public page, the staff's anonymous page and the follow page: no account needed where promised,
switched off on demand, rate-limited, honeypot, upload limits, receipts that reveal nothing."""

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incidents.models import Incident, Message
from incidents.services import incident_close, incident_request_information
from intake.models import Receipt
from intake.receipts import display_code
from portal.audit.models import AuditRecord
from tests.incidents.factories import png_bytes

pytestmark = pytest.mark.django_db

PUBLIC = reverse("intake:public")
ANONYMOUS = reverse("intake:anonymous")
FOLLOW = reverse("intake:follow")
REFUSED_CODE = "Ce code ne correspond à aucun signalement"


def _report(client, form_data, **overrides):
    response = client.post(PUBLIC, form_data(**overrides))
    shown = response.context.get("code") if response.status_code == 200 else None
    return response, shown.replace(" ", "") if shown else None


def test_public_page_needs_no_account_and_sets_no_session(client):
    response = client.get(PUBLIC)
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert "script-src 'self'" in response["Content-Security-Policy"]
    # The public cannot search the staff directory: no staff choice, no name field.
    assert "concerned_staff_name" not in response.content.decode()
    assert b"Un membre du public" in response.content and b"Un m\xc3\xa9dia" in response.content


def test_public_page_in_english(client):
    client.cookies["django_language"] = "en"
    response = client.get(PUBLIC)
    assert response.status_code == 200 and response.headers["Content-Language"] == "en"


def test_public_page_refused_when_switched_off(client, settings, form_data):
    settings.INTAKE_PUBLIC_ENABLED = False
    assert client.get(PUBLIC).status_code == 404
    assert client.post(PUBLIC, form_data()).status_code == 404
    assert not Incident.objects.exists()
    # The follow page still serves existing receipts.
    assert client.get(FOLLOW).status_code == 200


def test_public_report_gives_a_receipt_once_and_reaches_dcai(client, org, form_data):
    response, code = _report(client, form_data, contact="Marie, 514-555-0199")
    assert response.status_code == 200 and len(code) == 16
    assert "sessionid" not in response.cookies
    incident = Incident.objects.get()
    assert (incident.source, incident.declarer_id, incident.level) == ("external", None, "dcai")
    assert incident.reporter_contact == "Marie, 514-555-0199"
    assert code not in str(Receipt.objects.values_list("prefix", "digest").get())
    # Shown once: the follow page never prints the code.
    status = client.post(FOLLOW, {"code": display_code(code)})
    assert status.status_code == 200 and code not in status.content.decode()
    assert display_code(code) not in status.content.decode()


def test_staff_anonymous_page_needs_sign_in(client):
    response = client.get(ANONYMOUS)
    assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]


def test_bad_input_changes_nothing(client, org, form_data):
    response = client.post(PUBLIC, form_data(description="", links="javascript:alert(1)"))
    assert response.status_code == 400
    assert not Incident.objects.exists()
    # A staff member cannot be named from the public page (no directory search).
    response = client.post(PUBLIC, form_data(concerned_kind="staff"))
    assert response.status_code == 400 and not Incident.objects.exists()


def test_honeypot_refuses_and_keeps_nothing(client, org, form_data):
    response = client.post(PUBLIC, form_data(website="http://spam.example"))
    assert response.status_code == 400 and not Incident.objects.exists()


def test_upload_limit(client, org, form_data, settings):
    settings.INTAKE_MAX_FILES = 1
    files = [SimpleUploadedFile(f"c{i}.png", png_bytes(), content_type="image/png") for i in range(2)]
    response = client.post(PUBLIC, {**form_data(), "evidence": files})
    assert response.status_code == 400 and not Incident.objects.exists()
    assert "Au plus 1 fichiers" in response.content.decode()


def test_rate_limit_per_address(client, org, form_data, settings):
    settings.INTAKE_REPORT_RATE_PER_ADDRESS = "2/h"
    for _ in range(2):
        assert client.post(PUBLIC, form_data(), REMOTE_ADDR="198.51.100.1").status_code == 200
    refused = client.post(PUBLIC, form_data(), REMOTE_ADDR="198.51.100.1")
    assert refused.status_code == 429 and Incident.objects.count() == 2
    # Another address is not held by the first one's limit.
    assert client.post(PUBLIC, form_data(), REMOTE_ADDR="198.51.100.2").status_code == 200


def test_rate_limit_behind_the_trusted_proxy(client, org, form_data, settings):
    """Behind one proxy, the address is the proxy's view of the client: a forged X-Forwarded-For is ignored."""
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    settings.INTAKE_REPORT_RATE_PER_ADDRESS = "1/h"
    headers = {"REMOTE_ADDR": "10.0.0.1"}
    assert client.post(PUBLIC, form_data(), HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5", **headers).status_code == 200
    forged = client.post(PUBLIC, form_data(), HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5", **headers)
    assert forged.status_code == 429


def test_global_rate_limit(client, org, form_data, settings):
    settings.INTAKE_REPORT_RATE_GLOBAL = "3/h"
    for n in range(3):
        assert client.post(PUBLIC, form_data(), REMOTE_ADDR=f"198.51.100.{n + 10}").status_code == 200
    assert client.post(PUBLIC, form_data(), REMOTE_ADDR="198.51.100.99").status_code == 429
    assert Incident.objects.count() == 3


def test_wrong_receipt_reveals_nothing_and_is_throttled(client, org, form_data, settings):
    settings.INTAKE_LOOKUP_RATE_PER_ADDRESS = "4/h"
    _response, code = _report(client, form_data)
    wrong_same_prefix = code[:5] + ("0" * 11 if code[5:] != "0" * 11 else "1" * 11)
    answers = [client.post(FOLLOW, {"code": typed}) for typed in (wrong_same_prefix, "9" * 16, "abc")]
    assert [a.status_code for a in answers] == [400, 400, 400]
    bodies = {a.content.decode().split('data-testid="refusal">')[1].split("<")[0] for a in answers}
    assert len(bodies) == 1 and REFUSED_CODE in bodies.pop()
    assert client.post(FOLLOW, {"code": code}).status_code == 200  # the 4th try
    assert client.post(FOLLOW, {"code": code}).status_code == 429  # held, even with the right code


def test_follow_shows_status_and_takes_the_answer(client, org, form_data):
    _response, code = _report(client, form_data)
    incident = Incident.objects.get()
    incident_request_information(incident=incident, actor=org.user("diane"), question="Quelle heure ?")
    page = client.post(FOLLOW, {"code": code})
    assert page.status_code == 200 and "Quelle heure ?" in page.content.decode()
    assert page.context["report"].can_answer
    answered = client.post(FOLLOW, {"token": page.context["token"], "answer": "Vers 14 h."})
    assert answered.status_code == 200 and "Vers 14 h." in answered.content.decode()
    assert Message.objects.get(incident=incident, kind="answer").author_id is None
    incident.refresh_from_db()
    assert incident.status == Incident.Status.OPEN
    # DCAI closes; the reporter sees the final status.
    incident_close(incident=incident, actor=org.user("diane"), outcome="founded")
    final = client.post(FOLLOW, {"code": code})
    assert "Fondé" in final.content.decode() and not final.context["report"].can_add_evidence


def test_follow_views_are_audited_without_identity(client, org, form_data):
    _response, code = _report(client, form_data)
    client.post(FOLLOW, {"code": code}, REMOTE_ADDR="203.0.113.44")
    record = AuditRecord.objects.get(incident_id=Incident.objects.get().pk)
    assert (record.actor_id, record.client_ip, record.request_id, record.channel) == (None, None, "", "anonymous")


def test_token_of_one_receipt_opens_no_other_and_expires(client, org, form_data, time_machine):
    _r, code_a = _report(client, form_data)
    _r, _code_b = _report(client, form_data)
    a, b = Incident.objects.order_by("pk")
    incident_request_information(incident=b, actor=org.user("diane"), question="Q ?")
    token_a = client.post(FOLLOW, {"code": code_a}).context["token"]
    forged = signing.dumps({"r": Receipt.objects.get(incident=b).pk}, salt="other")
    tampered = token_a[:-2] + ("AA" if token_a[-2:] != "AA" else "BB")
    for token in (forged, tampered):
        response = client.post(FOLLOW, {"token": token, "answer": "Intrus"})
        assert response.status_code == 400
    assert not Message.objects.filter(kind="answer").exists()
    time_machine.move_to("2099-01-01")
    assert client.post(FOLLOW, {"token": token_a, "answer": "Tard"}).status_code == 400
    assert not Message.objects.filter(kind="answer").exists()


def test_incident_page_of_an_anonymous_report(client, login, org, form_data):
    """DCAI sees it marked external with the contact; the outsider and the staff who sent it get 404."""
    _r, _code = _report(client, form_data, contact="Marie")
    incident = Incident.objects.get()
    url = reverse("incidents:detail", args=[incident.pk])
    page = login(org.user("diane")).get(url)
    assert page.status_code == 200 and "Signalement externe : Marie" in page.content.decode()
    for name in ("oscar", "alice", "bob"):
        assert login(org.user(name)).get(url).status_code == 404


def test_staff_anonymous_page_names_a_colleague_without_suggestions(client, login, org, form_data):
    """The staff search would log who typed, seconds before the declaration: the name is typed in full."""
    login(org.user("alice"))
    page = client.get(ANONYMOUS).content.decode()
    assert "hx-get" not in page and "staff_search" not in page
    response = client.post(ANONYMOUS, form_data(concerned_kind="staff", concerned_staff_name="Oscar Test"))
    assert response.status_code == 200
    incident = Incident.objects.get()
    assert (incident.source, incident.declarer_id, incident.concerned_staff_id) == ("anonymous", None, org.oscar.pk)
    # Naming oneself is refused, as on the named form.
    refused = client.post(ANONYMOUS, form_data(concerned_kind="staff", concerned_staff_name="Alice Test"))
    assert refused.status_code == 400 and Incident.objects.count() == 1


def _with_key(data: dict, key: str) -> dict:
    return {**data, "submission_key": key}


def test_a_report_sent_twice_is_recorded_once(client, org, form_data):
    """Refreshing the receipt page resends the form: the second sending creates nothing and says why."""
    page = client.get(PUBLIC).content.decode()
    assert 'name="submission_key"' in page
    data = _with_key(form_data(), "k" * 32)
    first = client.post(PUBLIC, data)
    assert first.status_code == 200 and first.context["code"]
    again = client.post(PUBLIC, _with_key(form_data(), "k" * 32))
    assert again.status_code == 409
    assert "déjà été reçu" in again.content.decode()
    assert Incident.objects.count() == 1 and Receipt.objects.count() == 1


def test_a_refused_report_keeps_its_key_for_the_corrected_form(client, org, form_data):
    refused = client.post(PUBLIC, _with_key(form_data(description=""), "r" * 32))
    assert refused.status_code == 400 and not Incident.objects.exists()
    corrected = client.post(PUBLIC, _with_key(form_data(), "r" * 32))
    assert corrected.status_code == 200 and Incident.objects.count() == 1


def test_the_key_of_an_anonymous_staff_report_names_nobody(client, org, form_data):
    from portal.models import Submission

    client.force_login(org.user("alice"))
    sent = client.post(ANONYMOUS, _with_key(form_data(), "a" * 32))
    assert sent.status_code == 200
    assert list(Submission.objects.values_list("owner", flat=True)) == ["intake"]
    assert client.post(ANONYMOUS, _with_key(form_data(), "a" * 32)).status_code == 409
    assert Incident.objects.count() == 1

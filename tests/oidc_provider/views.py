"""Test-only control of the provider: register people and clients (guarded by a shared secret)."""

import hmac
import json

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.http import HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oidc_provider.models import Client, ResponseType


@csrf_exempt
@require_POST
def control(request):
    if not hmac.compare_digest(request.headers.get("X-Control-Secret", ""), settings.CONTROL_SECRET):
        return HttpResponseForbidden()
    data = json.loads(request.body)
    for person in data.get("people", []):
        user, _ = User.objects.get_or_create(username=person["username"])
        user.email = person.get("email", "")
        user.first_name = person.get("first_name", "")
        user.last_name = person.get("last_name", "")
        user.is_active = person.get("is_active", True)
        user.set_password(person["password"])
        user.save()
        user.groups.set([Group.objects.get_or_create(name=name)[0] for name in person.get("groups", [])])
    for spec in data.get("clients", []):
        client, _ = Client.objects.get_or_create(client_id=spec["client_id"], defaults={"name": spec["client_id"]})
        client.client_type = "confidential"
        client.client_secret = spec["client_secret"]
        client.jwt_alg = "RS256"
        client.require_consent = False
        client.reuse_consent = True
        client.redirect_uris = spec["redirect_uris"]
        client.post_logout_redirect_uris = spec.get("post_logout_redirect_uris", [])
        client.scope = ["openid", "email", "profile"]
        client.save()
        client.response_types.set([ResponseType.objects.get(value="code")])
    return JsonResponse({"ok": True})

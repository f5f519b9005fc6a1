"""Who is calling: a service account's token, never a person's session (README, "API").

`Authorization: Bearer pms_<key id>_<secret>`. A missing token, a malformed or unknown one, a
revoked or expired one, or one of a deactivated account is refused with 401.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .models import ApiToken
from .services import split_token, token_matches, token_touch

KEYWORD = b"bearer"


class ServicePrincipal:
    """`request.user` of an API call: the service account behind the token, with no person's rights."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None

    def __init__(self, token: ApiToken):
        self.token = token
        self.account = token.account

    def __str__(self) -> str:
        return self.account.name

    def has_perm(self, *args, **kwargs) -> bool:
        return False

    def get_username(self) -> str:
        return self.account.name


def presented_key_id(request) -> str:
    """The key id a request shows, for the audit, whether or not the token is good."""
    header = get_authorization_header(request).split()
    if len(header) == 2 and header[0].lower() == KEYWORD:
        try:
            return split_token(header[1].decode("ascii")) or ""
        except UnicodeDecodeError:
            return ""
    return ""


class ServiceTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("En-tête Authorization invalide : « Bearer » suivi du jeton, sans espace.")
            )
        try:
            text = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("Jeton invalide.")) from exc
        key_id = split_token(text)
        if key_id is None:
            raise exceptions.AuthenticationFailed(_("Jeton invalide."))
        token = ApiToken.objects.select_related("account").filter(key_id=key_id).first()
        if token is None or not token_matches(token, text):
            raise exceptions.AuthenticationFailed(_("Jeton invalide."))
        now = timezone.now()
        # Said only to whoever holds the secret: they learn what to ask their administrator for.
        if token.is_revoked:
            raise exceptions.AuthenticationFailed(_("Ce jeton a été révoqué."))
        if token.is_expired(now):
            raise exceptions.AuthenticationFailed(_("Ce jeton a expiré."))
        if not token.account.is_active:
            raise exceptions.AuthenticationFailed(_("Ce compte de service est désactivé."))
        token_touch(token, now)
        request._request.api_token = token
        return ServicePrincipal(token), token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'

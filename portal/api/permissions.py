"""What a token may do: the scope each endpoint names (README, "API")."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from .models import ApiToken


class HasScope(BasePermission):
    """A call needs a valid token (else 401) that holds the endpoint's `required_scope` (else 403)."""

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return False
        scope = getattr(view, "required_scope", "")
        if scope and not token.has_scope(scope):
            self.message = _("Ce jeton n'a pas la portée « %(scope)s ».") % {"scope": scope}
            return False
        return True


class ValidTokenOrSignedIn(BasePermission):
    """The schema: any valid token, or a signed-in person reading the documentation."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user is not None and user.is_authenticated and user.is_active)

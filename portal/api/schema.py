"""How the API describes itself (drf-spectacular): the token scheme, the scopes, the refusals.

`api_schema(scope=…, responses=…)` documents an endpoint with the answers every endpoint can give
(400, 401, 403, 429), so the schema says everything a call may answer.
"""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema

from .errors import ErrorSerializer
from .scopes import SCOPES


class ServiceTokenScheme(OpenApiAuthenticationExtension):
    target_class = "portal.api.authentication.ServiceTokenAuthentication"
    name = "jeton"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "pms_<identifiant>_<secret>",
            "description": str(
                _(
                    "Jeton d'un compte de service, créé par un administrateur du portail et montré une seule "
                    "fois. Chaque jeton a des portées et une date d'expiration ; il peut être révoqué."
                )
            ),
        }


def common_errors(*, bad_request: bool = True) -> dict[int, OpenApiResponse]:
    errors = {
        401: OpenApiResponse(ErrorSerializer, description=_("Jeton absent, invalide, expiré ou révoqué.")),
        403: OpenApiResponse(ErrorSerializer, description=_("Le jeton n'a pas la portée de ce point d'accès.")),
        429: OpenApiResponse(
            ErrorSerializer, description=_("Trop d'appels pour ce jeton ; réessayez après Retry-After secondes.")
        ),
    }
    if bad_request:
        errors[400] = OpenApiResponse(ErrorSerializer, description=_("Paramètres ou contenu invalides."))
    return errors


def api_schema(*, scope: str, responses: dict, description: str = "", **kwargs):
    """extend_schema with the scope named in the description and the `x-scope` extension."""
    return extend_schema(
        responses={**common_errors(), **responses},
        description=_described(description, scope),
        extensions={"x-scope": scope},
        **kwargs,
    )


def _describe(description, scope: str) -> str:
    text = _("Portée exigée : %(scope)s (%(label)s).") % {"scope": scope, "label": SCOPES.get(scope, "")}
    return f"{description}\n\n{text}" if str(description) else str(text)


# Rendered in the language active when the schema is generated (?lang=fr|en).
_described = lazy(_describe, str)

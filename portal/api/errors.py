"""One shape for every refusal: {"detail": text, "code": word, "errors": what was wrong, if anything}."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("Ce qui ne va pas, en français ou en anglais (Accept-Language)."))
    code = serializers.CharField(help_text=_("Un mot stable pour les programmes, p. ex. not_authenticated."))
    errors = serializers.JSONField(
        required=False, help_text=_("Le détail par champ ou par ligne, quand la requête est invalide.")
    )


def _django_messages(error: DjangoValidationError):
    if hasattr(error, "error_dict"):
        return {field: [str(m) for e in errors for m in e.messages] for field, errors in error.error_dict.items()}
    return [str(m) for m in error.messages]


def exception_handler(exc, context):
    """DRF's handler, with Django's ValidationError (a service's refusal) as 400, in the one shape."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_messages(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": _("La requête est invalide."), "code": "invalid", "errors": response.data}
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        code = getattr(detail, "code", None) or exc.default_code
        response.data = {"detail": str(detail), "code": str(code)}
    return response

"""org:write — the HR system pushes the organisation: the `import_org` export as JSON rows or the CSV file.

The same import as `manage.py import_org` (portal.orgimport): all or nothing, every bad row listed with
its line number, `dry_run` to see the plan, `deactivate_missing` to deactivate active staff absent from
the push. For JSON, the line of a row is its position in `rows` (1 for the first); for the CSV file,
its line in the file (1 is the header).
"""

from __future__ import annotations

import io
import unicodedata
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from portal.orgimport import COLUMNS, REQUIRED_COLUMNS, ImportResult, RowError, import_records
from portal.orgimport.parse import FileError, decode, read_records

from .errors import ErrorSerializer
from .schema import api_schema
from .scopes import ORG_WRITE
from .views import ApiView

TRUE_WORDS = {"true", "1", "on", "yes", "oui"}
FALSE_WORDS = {"false", "0", "off", "no", "non", ""}


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "too_large"


# --- Documentation of the request and the answers -------------------------------------------------


def _column(name: str) -> serializers.CharField:
    return serializers.CharField(required=name in REQUIRED_COLUMNS, allow_blank=True, allow_null=True)


OrgRowSerializer = type(
    "OrgRowSerializer",
    (serializers.Serializer,),
    {name: _column(name) for name in COLUMNS},
)


class OrgPushSerializer(serializers.Serializer):
    rows = serializers.ListField(
        child=OrgRowSerializer(),
        help_text=gettext_lazy("Une ligne par intervenant, avec les colonnes de l'export RH (README)."),
    )
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text=gettext_lazy("Simulation : rien n'est enregistré.")
    )
    deactivate_missing = serializers.BooleanField(
        required=False,
        default=False,
        help_text=gettext_lazy("Désactive les intervenants actifs absents (refusé si rows est vide)."),
    )


class OrgFileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=gettext_lazy("Le fichier CSV de l'export RH (UTF-8, « ; » ou « , »)."))
    dry_run = serializers.BooleanField(required=False, default=False)
    deactivate_missing = serializers.BooleanField(required=False, default=False)


class CountsSerializer(serializers.Serializer):
    directions_created = serializers.IntegerField()
    directions_updated = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    deactivated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class OrgResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    applied = serializers.BooleanField(help_text=gettext_lazy("Vrai quand des changements ont été enregistrés."))
    rows = serializers.IntegerField(help_text=gettext_lazy("Lignes lues."))
    counts = CountsSerializer()
    changes = serializers.ListField(
        child=serializers.CharField(), help_text=gettext_lazy("Un changement par ligne, dans l'ordre du fichier.")
    )
    warnings = serializers.ListField(child=serializers.CharField())
    summary = serializers.CharField()


class RowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(
        help_text=gettext_lazy("Ligne du fichier CSV, ou position dans rows (1 pour la première) ; 0 : la requête.")
    )
    message = serializers.CharField()


class OrgRefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = RowErrorSerializer(many=True, required=False)


# --- Reading the push ------------------------------------------------------------------------------


class Refused(Exception):
    """The push as a whole cannot be read: answered as one error on line 0."""


def _flag(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    raise Refused(_("%(name)s : valeur attendue true ou false.") % {"name": name})


def _control_characters(line: int, record: dict[str, str]) -> list[RowError]:
    """A value with a control character (NUL, line break, tab…) is refused before the import reads it."""
    return [
        RowError(line, _("caractère de contrôle interdit dans %(col)s") % {"col": column})
        for column, value in record.items()
        if any(unicodedata.category(char) == "Cc" for char in value)
    ]


def json_records(rows: Any) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    if not isinstance(rows, list):
        raise Refused(_("rows : une liste de lignes est attendue."))
    records: list[tuple[int, dict[str, str]]] = []
    errors: list[RowError] = []
    for position, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            errors.append(RowError(position, _("la ligne doit être un objet JSON (colonne: valeur)")))
            records.append((position, {}))
            continue
        record: dict[str, str] = {}
        for column in COLUMNS:
            value = row.get(column)
            if value is None:
                record[column] = ""
            elif isinstance(value, str):
                record[column] = value
            elif isinstance(value, int) and not isinstance(value, bool):
                record[column] = str(value)
            else:
                errors.append(RowError(position, _("%(col)s : texte attendu") % {"col": column}))
                record[column] = ""
        records.append((position, record))
    return records, errors


def csv_records(upload) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    try:
        return read_records(decode(upload.read())), []
    except FileError as exc:
        return [], exc.errors


def _refusal(errors: list[RowError]) -> Response:
    lines = len({e.line for e in errors})
    return Response(
        {
            "detail": _("%(n)s ligne(s) en erreur : rien n'a été modifié.") % {"n": lines},
            "code": "invalid_rows",
            "errors": [{"line": e.line, "message": e.message} for e in sorted(errors, key=lambda e: e.line)],
        },
        status=400,
    )


def result_body(result: ImportResult) -> dict[str, Any]:
    plan = result.plan
    return {
        "dry_run": result.dry_run,
        "applied": result.applied is not None,
        "rows": result.rows,
        "counts": result.counts,
        "changes": result.details(),
        "warnings": list(plan.warnings) if plan else [],
        "summary": result.summary(),
    }


class OrgImportView(ApiView):
    required_scope = ORG_WRITE
    parser_classes = [JSONParser, MultiPartParser]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > settings.API_ORG_MAX_BYTES:
            raise PayloadTooLarge(
                _("Contenu trop volumineux : %(mb)s Mo au plus.") % {"mb": settings.API_ORG_MAX_BYTES // 2**20}
            )
        django_request = request._request
        if request.content_type.startswith("multipart/"):
            # The whole file, never cut off at the evidence limit: a truncated export would deactivate people.
            django_request.upload_handlers = [
                MemoryFileUploadHandler(django_request),
                TemporaryFileUploadHandler(django_request),
            ]
        elif not django_request._read_started:
            # 20,000 JSON rows weigh more than DATA_UPLOAD_MAX_MEMORY_SIZE, the limit of the portal's forms:
            # the body is read here, within API_ORG_MAX_BYTES (checked above), as HttpRequest.body would.
            django_request._body = django_request.read()
            django_request._stream = io.BytesIO(django_request._body)

    @api_schema(
        scope=ORG_WRITE,
        summary=gettext_lazy("Pousser l'organisation (export RH)"),
        description=gettext_lazy(
            "Les mêmes colonnes que import_org, en lignes JSON ou en fichier CSV (multipart, champ file). "
            "Tout ou rien : une seule ligne en erreur et rien n'est modifié ; chaque ligne fautive est "
            "donnée avec son numéro. dry_run rend le plan sans rien enregistrer ; deactivate_missing "
            "désactive les intervenants actifs absents (et révoque leurs désignations)."
        ),
        request={"application/json": OrgPushSerializer, "multipart/form-data": OrgFileSerializer},
        responses={
            200: OrgResultSerializer,
            400: OpenApiResponse(OrgRefusalSerializer, description=gettext_lazy("Lignes en erreur : rien n'a changé.")),
            413: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Contenu trop volumineux.")),
            415: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Type de contenu non pris en charge.")),
        },
        tags=["org"],
    )
    def post(self, request):
        try:
            records, errors, dry_run, deactivate_missing = self._read(request)
        except Refused as exc:
            return _refusal([RowError(0, str(exc))])
        for line, record in records:
            errors.extend(_control_characters(line, record))
        if errors:
            return _refusal(errors)
        result = import_records(records, dry_run=dry_run, deactivate_missing=deactivate_missing)
        if not result.ok:
            return _refusal(result.errors)
        return Response(result_body(result))

    def _read(self, request):
        data = request.data
        if not hasattr(data, "get"):
            raise Refused(_("Le contenu doit être un objet JSON : rows, dry_run, deactivate_missing."))
        dry_run = _flag(data.get("dry_run", False), "dry_run")
        deactivate_missing = _flag(data.get("deactivate_missing", False), "deactivate_missing")
        if request.content_type.startswith("multipart/"):
            upload = request.FILES.get("file")
            if upload is None:
                raise Refused(_("file : joignez le fichier CSV de l'export RH."))
            records, errors = csv_records(upload)
        else:
            records, errors = json_records(data.get("rows"))
        return records, errors, dry_run, deactivate_missing


def routes() -> list:
    return [path("org/import/", OrgImportView.as_view(), name="org_import")]

"""Stable cursor pagination: a page never repeats or skips a row when rows change between calls."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.pagination import CursorPagination


class StableCursorPagination(CursorPagination):
    page_size = 200
    max_page_size = 1000
    page_size_query_param = "page_size"
    page_size_query_description = _("Lignes par page (1 à 1000, 200 par défaut).")
    cursor_query_description = _("Curseur de la page suivante ou précédente, tel que donné par next ou previous.")
    ordering = "pk"
    invalid_cursor_message = _("Curseur invalide.")

    def decode_cursor(self, request):
        from rest_framework.exceptions import NotFound, ValidationError

        try:
            return super().decode_cursor(request)
        except NotFound as exc:
            # A bad cursor is a bad request, not a missing page.
            raise ValidationError({self.cursor_query_param: [str(self.invalid_cursor_message)]}) from exc


def paginated(serializer_class: type[serializers.Serializer], **extra: serializers.Field):
    """The documented envelope of a page: next, previous (links or null) and results."""
    name = serializer_class.__name__.removesuffix("Serializer")
    fields = {
        "next": serializers.URLField(allow_null=True, help_text=_("Lien de la page suivante, ou null.")),
        "previous": serializers.URLField(allow_null=True, help_text=_("Lien de la page précédente, ou null.")),
        **extra,
        "results": serializer_class(many=True),
    }
    return type(f"Paginated{name}List", (serializers.Serializer,), fields)


class QuerySerializer(serializers.Serializer):
    """Query parameters of an endpoint. An unknown one is refused: a misspelt filter (`updated_sinse`)
    must not silently return everything."""

    def validate(self, attrs):
        problems: dict[str, list[str]] = {}
        for name, values in self.initial_data.lists():
            if name not in self.fields:
                problems[name or "?"] = [_("Paramètre inconnu.")]
            elif len(values) > 1:
                problems[name] = [_("Une seule valeur.")]
            elif values[0] == "":
                # An empty filter is a mistake, not "no filter": leave the parameter out instead.
                problems[name] = [_("Valeur vide : omettez le paramètre.")]
        if problems:
            raise serializers.ValidationError(problems, code="invalid_parameter")
        return super().validate(attrs)

    @classmethod
    def read(cls, request) -> dict:
        serializer = cls(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class PageQuerySerializer(QuerySerializer):
    """The query parameters of every paginated list (subclasses add their filters)."""

    cursor = serializers.CharField(required=False, help_text=StableCursorPagination.cursor_query_description)
    page_size = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=StableCursorPagination.max_page_size,
        help_text=StableCursorPagination.page_size_query_description,
    )

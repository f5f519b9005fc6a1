"""The person picker on a form: a text input whose suggestions htmx fetches into a `<datalist>`.

Without JavaScript the field works as typed (a full name or an employee number, resolved on submit).
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from portal.models import StaffProfile

from .resolve import find_person
from .scopes import scope_for

SEARCH_DELAY = "input changed delay:300ms"


class PersonWidget(forms.TextInput):
    """A text input wired to the suggestion endpoint for picker `scope`; renders its own datalist and
    the status lines that tell screen readers how many people are suggested.

    The wiring sits in `attrs` from the start, so a form that must not suggest (a page where each search
    would be a logged request, intake/) removes the `hx-*` and `list` attributes and keeps a plain field.
    """

    def __init__(self, *, scope: str, options_id: str | None = None, search_url: str | None = None, attrs=None):
        wiring = {
            "list": "",
            "autocomplete": "off",
            "hx-get": "",
            "hx-trigger": SEARCH_DELAY,
            "hx-target": "",
            "hx-swap": "outerHTML",
            "hx-sync": "this:replace",
        }
        super().__init__({**wiring, **(attrs or {})})
        self.scope = scope
        self.options_id = options_id
        self.search_url = search_url

    def _options_id(self, name: str) -> str:
        return self.options_id or f"{name.replace('_', '-')}-options"

    def _url(self, name: str) -> str:
        if self.search_url:
            return str(self.search_url)
        query = urlencode({"scope": self.scope, "field": name, "list": self._options_id(name)})
        return f"{reverse('people:suggestions')}?{query}"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        wired = context["widget"]["attrs"]
        options_id = self._options_id(name)
        for key, filled in (("list", options_id), ("hx-get", self._url(name)), ("hx-target", f"#{options_id}")):
            if key in wired:
                wired[key] = filled
        return context

    def render(self, name, value, attrs=None, renderer=None):
        field = super().render(name, value, attrs, renderer)
        if "list" not in self.attrs:
            return field
        options = render_to_string(
            "portal/people/_options.html",
            {"options_id": self._options_id(name), "suggestions": None, "searched": False, "oob": False},
        )
        return mark_safe(field + options)  # noqa: S308 - both parts are rendered by templates with escaping


class PersonField(forms.CharField):
    """A staff member named by a suggestion, an employee number or an unambiguous full name.

    `restrict_to(user)` applies the picker's scope for the person choosing (the same rule as the
    suggestions): a person outside it is refused with a message. Cleans to a StaffProfile (None when
    the field is optional and left empty).
    """

    def __init__(
        self,
        *,
        scope: str,
        options_id: str | None = None,
        search_url: str | None = None,
        messages: Mapping[str, str] | None = None,
        **kwargs,
    ):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("widget", PersonWidget(scope=scope, options_id=options_id, search_url=search_url))
        super().__init__(**kwargs)
        self.scope = scope
        self.messages = dict(messages or {})
        self.people: QuerySet[StaffProfile] | None = StaffProfile.objects.none()
        self.exclude_user: AbstractBaseUser | None = None
        if "required" in self.messages:
            self.error_messages["required"] = self.messages["required"]

    def restrict_to(self, user: AbstractBaseUser) -> None:
        """The people this person may name with this picker; nobody when they may not use it."""
        scope = scope_for(self.scope, user)
        self.people = StaffProfile.objects.none() if scope is None else scope.people
        self.exclude_user = user if scope is not None and scope.excludes_chooser else None

    def clean(self, value) -> StaffProfile | None:
        text = super().clean(value)
        if not text:
            return None
        return find_person(text, within=self.people, exclude_user=self.exclude_user, messages=self.messages)

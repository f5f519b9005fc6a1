"""One way to act from a page (docs/architecture.md, "Actions").

A view parses its form, then runs the service through `attempt`:

- the service returns: the success message is flashed and the outcome carries its result;
- the service raises `ValidationError` (what was asked is not possible, nothing was written): its
  messages land on the form, each on its field when the form has that field, else at the top; with no
  form they are flashed as one error message;
- the service raises `PermissionDenied` (the person may see the object but not do this): it is not
  caught, and Django answers 403. A person who may not even see the object never gets this far: the
  view fetched it through a selector that answers 404.

Services raise only those two exceptions for anything a person can cause.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import Form
from django.http import HttpRequest


@dataclass(frozen=True)
class Outcome:
    ok: bool
    value: Any = None
    error: ValidationError | None = None

    @property
    def message(self) -> str:
        return " ".join(self.error.messages) if self.error is not None else ""


def errors_to_form(form: Form, error: ValidationError) -> None:
    """Put a service's refusal on the form: on the field when the form has it, else at the top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def attempt(
    request: HttpRequest,
    call: Callable[[], Any],
    *,
    form: Form | None = None,
    success: str | Callable[[Any], str] | None = None,
) -> Outcome:
    """Run a service call the same way from every view (see the module docstring)."""
    try:
        value = call()
    except ValidationError as error:
        if form is not None:
            errors_to_form(form, error)
        else:
            messages.error(request, " ".join(error.messages))
        return Outcome(ok=False, error=error)
    if success:
        messages.success(request, success(value) if callable(success) else success)
    return Outcome(ok=True, value=value)


def has_form_level_errors(form: Form) -> bool:
    return bool(form.errors.get(NON_FIELD_ERRORS))

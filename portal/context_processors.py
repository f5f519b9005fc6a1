from django.utils.functional import SimpleLazyObject

from .hooks import hooks

_FLAGS_ATTR = "_portal_template_flags"


class TemplateFlags:
    """`can.<flag>` in templates: every app's named flags for the signed-in person, computed on first use.

    Each app answers from the person's roles (computed once per request), so the flags cost no query of
    their own. An unknown flag is false, as the template language expects.
    """

    def __init__(self, request):
        self._request = request
        self._flags: dict[str, bool] | None = None

    def _all(self) -> dict[str, bool]:
        if self._flags is None:
            user = getattr(self._request, "user", None)
            flags: dict[str, bool] = {}
            if user is not None and user.is_authenticated:
                for function in hooks("PORTAL_TEMPLATE_FLAGS"):
                    flags.update(function(user))
            self._flags = flags
        return self._flags

    def __getitem__(self, name: str) -> bool:
        return bool(self._all().get(name, False))

    def __contains__(self, name: str) -> bool:
        return self[name]

    @property
    def signature(self) -> str:
        """The flags that are on, as one text: a fragment drawn from the flags alone is kept under it."""
        return " ".join(sorted(name for name, on in self._all().items() if on))


def portal(request):
    """`can`: the named flags of the person (see TemplateFlags). Templates never see roles themselves.
    `can_signature`: the flags that are on, as one text (`can.signature` would read a flag of that name)."""
    flags = getattr(request, _FLAGS_ATTR, None)
    if flags is None:
        flags = TemplateFlags(request)
        setattr(request, _FLAGS_ATTR, flags)
    return {"can": flags, "can_signature": SimpleLazyObject(lambda: flags.signature)}

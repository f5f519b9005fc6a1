from .roles import roles_for


def portal(request):
    """Expose the person's roles to templates (computed once per request)."""
    return {"roles": roles_for(getattr(request, "user", None))}

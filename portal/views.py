from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.utils.module_loading import import_string


class ThrottledLoginView(auth_views.LoginView):
    """Django's login; django-axes counts failures through its authentication backend."""

    redirect_authenticated_user = True


def home(request):
    """What waits for the signed-in person, gathered from each app's panels."""
    panels = []
    for dotted in settings.PORTAL_HOME_PANELS:
        panels.extend(import_string(dotted)(request))
    return render(request, "portal/home.html", {"panels": panels})

from django.contrib.auth import views as auth_views
from django.shortcuts import render

from .hooks import call_each


class ThrottledLoginView(auth_views.LoginView):
    """Django's login; django-axes counts failures through its authentication backend."""

    redirect_authenticated_user = True


def home(request):
    """What waits for the signed-in person, gathered from each app's panels."""
    panels = [panel for app_panels in call_each("PORTAL_HOME_PANELS", request) for panel in app_panels]
    return render(request, "portal/home.html", {"panels": panels})

from django.shortcuts import render

from .hooks import call_each


def home(request):
    """What waits for the signed-in person, gathered from each app's panels."""
    panels = [panel for app_panels in call_each("PORTAL_HOME_PANELS", request) for panel in app_panels]
    return render(request, "portal/home.html", {"panels": panels})

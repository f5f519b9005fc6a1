from django.urls import path

from . import views

app_name = "intake"

# Every path starts with /signalement/: the request log keeps no identity there
# (settings.PORTAL_REQUEST_LOG_ANONYMOUS_PATHS).
urlpatterns = [
    path("", views.public_report, name="public"),
    path("anonyme/", views.anonymous_report, name="anonymous"),
    path("suivi/", views.follow, name="follow"),
]

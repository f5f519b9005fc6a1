from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("", views.journal, name="journal"),
    path("nouvelle/", views.entry_create, name="create"),
    path("export/", views.journal_export, name="export"),
    path("<int:pk>/", views.entry_detail, name="entry"),
    path("<int:pk>/capture/", views.entry_screenshot, name="screenshot"),
]

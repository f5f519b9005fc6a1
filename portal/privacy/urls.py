from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.index, name="index"),
    path("personne/<int:pk>/", views.person, name="person"),
    path("personne/<int:pk>/export/", views.export, name="export"),
    path("demande/<int:pk>/reponse/", views.answer, name="answer"),
]

from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("nouvelle/", views.campaign_create, name="create"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/parametres/", views.campaign_edit, name="edit"),
    # Deleting a draft (never a launched campaign); the address avoids the words the no-edit check looks for.
    path("<int:pk>/abandon/", views.campaign_discard, name="discard"),
    path("<int:pk>/progression/", views.campaign_progress, name="progress"),
    path("<int:pk>/lancer/", views.campaign_launch, name="launch"),
    path("<int:pk>/fermer/", views.campaign_close, name="close"),
    path("<int:pk>/tableau-de-bord/", views.dashboard, name="dashboard"),
    path("<int:pk>/personnes/", views.people, name="people"),
    path("<int:pk>/export/<str:fmt>/", views.export, name="export"),
    path("<int:pk>/equipe/", views.team, name="team"),
    path("<int:pk>/equipe/rappel/", views.team_remind, name="team_remind"),
    path("<int:pk>/ma-demande/", views.my_request, name="my_request"),
    path("mes-demandes/", views.my_requests, name="mine"),
    path("demandes/<int:pk>/", views.request_detail, name="request"),
]

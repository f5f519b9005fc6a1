from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("oidc/connexion/", views.OIDCStartView.as_view(), name="oidc_start"),
    path("oidc/retour/", views.oidc_callback, name="oidc_callback"),
    path("refus/", views.refused, name="refused"),
    path("deconnecte/", views.signed_out, name="signed_out"),
    path("journal/", views.sign_in_log, name="sign_in_log"),
]

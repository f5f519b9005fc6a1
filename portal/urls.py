from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    # The language switch is offered on the login page too.
    path("langue/", login_not_required(set_language), name="set_language"),
    path("comptes/connexion/", views.ThrottledLoginView.as_view(), name="login"),
    path("comptes/deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("comptes/mot-de-passe/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "comptes/mot-de-passe/modifie/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("comptes/reinitialisation/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "comptes/reinitialisation/envoyee/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "comptes/reinitialisation/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "comptes/reinitialisation/terminee/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("notifications/", include("portal.notifications.urls")),
    path("utilisateurs-autorises/", include("portal.roster.urls")),
    path("politiques/", include("policies.urls")),
    path("incidents/", include("incidents.urls")),
    path("campagnes/", include("policies.campaigns.urls")),
    path("admin/", admin.site.urls),
]


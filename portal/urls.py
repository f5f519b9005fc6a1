from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from . import health, views
from .accounts import views as account_views

urlpatterns = [
    path("", views.home, name="home"),
    # Health probes, without login (portal/health.py; also answered early by its middleware).
    path("sante/", health.live, name="health_live"),
    path("sante/pret/", health.ready, name="health_ready"),
    # The language switch is offered on the login page too.
    path("langue/", login_not_required(set_language), name="set_language"),
    # Sign-in (portal/accounts): the directory, portal passwords as AUTH_LOCAL_LOGIN allows, the log.
    path("comptes/connexion/", account_views.SignInView.as_view(), name="login"),
    path("comptes/deconnexion/", account_views.sign_out, name="logout"),
    path("comptes/", include("portal.accounts.urls")),
    path("comptes/mot-de-passe/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "comptes/mot-de-passe/modifie/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("comptes/reinitialisation/", account_views.PasswordResetView.as_view(), name="password_reset"),
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
    # Name suggestions of every person picker (portal/people).
    path("personnes/", include("portal.people.urls")),
    path("utilisateurs-autorises/", include("portal.roster.urls")),
    path("politiques/", include("policies.urls")),
    path("incidents/", include("incidents.urls")),
    # Moderation journal of the official accounts (annex 1), the audit trail and personal-data requests (DCAI).
    path("moderation/", include("moderation.urls")),
    path("audit/", include("portal.audit.urls")),
    path("renseignements-personnels/", include("portal.privacy.urls")),
    # Anonymous and external declarations, the receipt follow-up (intake/): partly without an account.
    path("signalement/", include("intake.urls")),
    path("campagnes/", include("policies.campaigns.urls")),
    # Disclosure authorisations (§6.2) and consents for publication (§6.1).
    path("publication/", include("publishing.urls")),
    # The REST API for other systems (tokens, never a session) and its documentation (portal/api).
    path("api/", include("portal.api.urls")),
    # The admin signs in through the portal's page (same directory, limits and log).
    path("admin/login/", account_views.admin_login),
    path("admin/logout/", account_views.sign_out),
    path("admin/", admin.site.urls),
]


# The 500 page with the portal's look and the request id (portal/errors.py); 403.html and 404.html are
# rendered by Django's own views.
handler500 = "portal.errors.server_error"

from django.urls import path

from . import views

app_name = "publishing"

_A = "autorisations/<int:pk>/"
_C = "consentements/<int:pk>/"

urlpatterns = [
    path("", views.index, name="index"),
    # Disclosure authorisations (§6.2).
    path("autorisations/", views.authorisations_to_decide, name="authorisations"),
    path("autorisations/mes-demandes/", views.my_authorisations, name="my_authorisations"),
    path("autorisations/nouvelle/", views.authorisation_create, name="authorisation_create"),
    path(_A, views.authorisation_detail, name="authorisation"),
    path(_A + "question/", views.authorisation_act, {"action": "ask"}, name="authorisation_ask"),
    path(_A + "reponse/", views.authorisation_act, {"action": "answer"}, name="authorisation_answer"),
    path(_A + "autoriser/", views.authorisation_act, {"action": "authorise"}, name="authorisation_authorise"),
    path(_A + "refuser/", views.authorisation_act, {"action": "refuse"}, name="authorisation_refuse"),
    path(_A + "fichiers/<int:file_pk>/", views.authorisation_file, name="authorisation_file"),
    path(_A + "lier-retrait/", views.link_takedown, {"kind": "authorisation"}, name="authorisation_link_takedown"),
    path(_A + "lier-journal/", views.link_journal_entry, {"kind": "authorisation"}, name="authorisation_link_journal"),
    # Consents for publication (§6.1).
    path("consentements/", views.consents, name="consents"),
    path("consentements/les-miens/", views.my_consents, name="my_consents"),
    path("consentements/nouveau/", views.consent_create, name="consent_create"),
    path(_C, views.consent_detail, name="consent"),
    path(_C + "retirer/", views.consent_withdraw, name="consent_withdraw"),
    path(_C + "publication/", views.consent_publication, name="consent_publication"),
    path(_C + "fichiers/<int:file_pk>/", views.consent_file, name="consent_file"),
    path(_C + "lier-retrait/", views.link_takedown, {"kind": "consent"}, name="consent_link_takedown"),
    path(_C + "lier-journal/", views.link_journal_entry, {"kind": "consent"}, name="consent_link_journal"),
    path("publications/", views.publications, name="publications"),
    path("statistiques/", views.statistics, name="statistics"),
]

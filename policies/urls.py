from django.urls import path

from . import views

app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="list"),
    path("en-vigueur/", views.current, name="current"),
    path("gestion/", views.manage, name="manage"),
    path("gestion/importer/", views.import_upload, name="import"),
    path("gestion/importer/confirmer/", views.import_confirm, name="import_confirm"),
    path("revisions/", views.review_list, name="reviews"),
    path("<str:number>/", views.policy_detail, name="policy"),
    path("<str:number>/comparer/", views.version_compare, name="compare"),
    path("<str:number>/nouvelle-version/", views.version_new, name="version_new"),
    path("<str:number>/versions/<int:pk>/", views.version_detail, name="version"),
    path("<str:number>/versions/<int:pk>/modifier/", views.version_edit, name="version_edit"),
    path("<str:number>/versions/<int:pk>/approbation/", views.version_approve, name="version_approve"),
    path("<str:number>/versions/<int:pk>/revision/", views.version_plan_review, name="version_plan_review"),
    path(
        "<str:number>/versions/<int:pk>/mise-en-vigueur/",
        views.version_put_in_force,
        name="version_put_in_force",
    ),
]

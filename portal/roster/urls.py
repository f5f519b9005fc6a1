from django.urls import path

from . import views

app_name = "roster"

urlpatterns = [
    path("", views.index, name="index"),
    path("registre/", views.roster, name="roster"),
    path("registre/export/<str:fmt>/", views.export, name="export"),
    path("direction/", views.direction_roster, name="direction_roster"),
    path("direction/export/<str:fmt>/", views.direction_export, name="direction_export"),
    path("mes-designations/", views.mine, name="mine"),
    path("designations/nouvelle/", views.designation_create, name="designation_create"),
    path("designations/<int:pk>/", views.designation_detail, name="designation"),
    path("designations/<int:pk>/confirmer/", views.designation_confirm, name="designation_confirm"),
    path("designations/<int:pk>/refuser/", views.designation_refuse, name="designation_refuse"),
    path("designations/<int:pk>/revoquer/", views.designation_revoke, name="designation_revoke"),
    path("designations/<int:pk>/renouveler/", views.designation_renew, name="designation_renew"),
    path("designations/<int:pk>/rappel/", views.designation_remind, name="designation_remind"),
    path("comptes/", views.accounts, name="accounts"),
    path("comptes/nouveau/", views.account_create, name="account_create"),
    path("comptes/<int:pk>/modifier/", views.account_edit, name="account_edit"),
]

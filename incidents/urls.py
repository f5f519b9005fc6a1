from django.urls import path

from . import views
from .views import compliance, register, reports, search, statistics

app_name = "incidents"

urlpatterns = [
    path("", views.index, name="index"),
    path("declarer/", views.declare, name="declare"),
    path("declarer/intervenants/", views.staff_search, name="staff_search"),
    path("mes-declarations/", views.mine, name="mine"),
    path("file/<str:name>/", views.queue, name="queue"),
    # Oversight (§7.1, §7.2, §7.3): every incident for DCAI, statistics, board reports.
    path("recherche/", search.search, name="search"),
    path("statistiques/", statistics.statistics, name="statistics"),
    path("statistiques/export/<str:fmt>/", statistics.statistics_export, name="statistics_export"),
    path("rapports-ca/", reports.board_reports, name="board_reports"),
    path("rapports-ca/apercu/", reports.board_report_preview, name="board_report_preview"),
    path("rapports-ca/produire/", reports.board_report_create, name="board_report_create"),
    path("rapports-ca/<int:report_pk>/", reports.board_report, name="board_report"),
    path("rapports-ca/<int:report_pk>/pdf/", reports.board_report_pdf, name="board_report_pdf"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/confirmation/", views.confirmation, name="confirmation"),
    path("<int:pk>/journal/", views.access_log, name="access_log"),
    path("<int:pk>/preuves/<int:evidence_pk>/", views.evidence_download, name="evidence"),
    path("<int:pk>/preuves/<int:evidence_pk>/vignette/", views.evidence_thumbnail, name="evidence_thumbnail"),
    path("<int:pk>/prendre-en-charge/", views.take_in_charge, name="take_in_charge"),
    path("<int:pk>/demander-information/", views.request_information, name="request_information"),
    path("<int:pk>/repondre/", views.answer_information, name="answer_information"),
    path("<int:pk>/note/", views.add_note, name="add_note"),
    path("<int:pk>/mesure/", views.record_measure, name="record_measure"),
    path("<int:pk>/transmettre/", views.escalate, name="escalate"),
    path("<int:pk>/fermer/", views.close, name="close"),
    path("<int:pk>/rouvrir/", views.reopen, name="reopen"),
    path("<int:pk>/retrait/", views.record_takedown, name="record_takedown"),
    path(
        "<int:pk>/retrait/<int:takedown_pk>/constate/", views.record_takedown_removed, name="takedown_removed"
    ),
    path("<int:pk>/partage/", views.share, name="share"),
    path("<int:pk>/partage/<int:user_pk>/retirer/", views.unshare, name="unshare"),
    # Confidentiality-incident register (DCAI only).
    path("<int:pk>/registre/", register.register_create, name="register_create"),
    path("<int:pk>/registre/decision/", compliance.register_decision, name="register_decision"),
    path("registre/", register.register_list, name="register_list"),
    path("registre/export/<str:fmt>/", register.register_export, name="register_export"),
    path("registre/copie-commission/", register.register_commission, name="register_commission"),
    path("registre/<int:entry_pk>/", register.register_detail, name="register_detail"),
    path("registre/<int:entry_pk>/modifier/", register.register_edit, name="register_edit"),
    path(
        "registre/<int:entry_pk>/copie-commission/",
        register.register_commission_one,
        name="register_commission_one",
    ),
]

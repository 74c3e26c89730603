from django.urls import path

from assessment.reports import views

urlpatterns = [
    path(
        "submissions/<uuid:public_id>/reports/qad/",
        views.qad_report_request_view,
        name="report-request-qad",
    ),
    path("reports/<uuid:public_id>/", views.report_detail, name="report-detail"),
    path("reports/<uuid:public_id>/download/", views.report_download, name="report-download"),
]

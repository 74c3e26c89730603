from django.urls import path

from assessment.reports import views

urlpatterns = [
    path(
        "submissions/<uuid:public_id>/reports/qad/",
        views.qad_report_request_view,
        name="report-request-qad",
    ),
    path(
        "reviews/<uuid:public_id>/reports/assessment/",
        views.assessment_report_request_view,
        name="report-request-assessment",
    ),
    path(
        "code-bodies/<str:code>/board-meetings/<str:meeting_date>/pack/",
        views.board_pack_request_view,
        name="report-request-board",
    ),
    path(
        "qualifications/<uuid:public_id>/roles/<str:role_code>/approval-letter/",
        views.approval_letter_request_view,
        name="report-request-letter",
    ),
    path("reviews/<uuid:public_id>/word/", views.review_word, name="review-word"),
    path("reports/<uuid:public_id>/", views.report_detail, name="report-detail"),
    path("reports/<uuid:public_id>/download/", views.report_download, name="report-download"),
]

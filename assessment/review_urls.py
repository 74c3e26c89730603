from django.urls import path

from assessment.views import activation, board, decisions, reviews, workoff

urlpatterns = [
    path("code-bodies/<str:code>/queue/", reviews.review_queue, name="review-queue"),
    path("code-bodies/<str:code>/board-meetings/", board.board_meetings, name="board-meetings"),
    path("reviews/<uuid:public_id>/", reviews.review_detail, name="review-detail"),
    path("reviews/<uuid:public_id>/assign/", reviews.review_assign_view, name="review-assign"),
    path(
        "reviews/<uuid:public_id>/criteria/<int:criterion_id>/",
        reviews.outcome_record_view,
        name="outcome-record",
    ),
    path(
        "reviews/<uuid:public_id>/clarifications/send/",
        reviews.clarifications_send_view,
        name="clarifications-send",
    ),
    path(
        "reviews/<uuid:public_id>/complete/", reviews.review_complete_view, name="review-complete"
    ),
    path("reviews/<uuid:public_id>/checks/rerun/", reviews.checks_rerun_view, name="checks-rerun"),
    path(
        "reviews/<uuid:public_id>/criteria/move/",
        reviews.review_criteria_move_view,
        name="review-criteria-move",
    ),
    path("reviews/<uuid:public_id>/changes/", reviews.review_changes, name="review-changes"),
    path("qualifications/<uuid:public_id>/work-off/", workoff.work_off_plan, name="work-off"),
    path("approvals/<uuid:public_id>/", decisions.approval_view, name="approval-decide"),
    path(
        "qualifications/<uuid:public_id>/sms-exemption/",
        decisions.sms_exemption_view,
        name="sms-exemption-record",
    ),
    path(
        "activation-steps/<uuid:public_id>/",
        activation.activation_step_view,
        name="activation-step",
    ),
]

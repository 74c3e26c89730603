from django.urls import path

from portal.api import (
    answers,
    clarifications,
    docs,
    evidence,
    programme,
    qualifications,
    reviews,
    submissions,
)

urlpatterns = [
    path("schema/", docs.schema, name="api-schema"),
    path("docs/", docs.documentation, name="api-docs"),
    path("qualifications/", qualifications.QualificationList.as_view(), name="api-qualifications"),
    path(
        "qualifications/<uuid:public_id>/",
        qualifications.QualificationDetail.as_view(),
        name="api-qualification",
    ),
    path(
        "submissions/<uuid:public_id>/",
        submissions.SubmissionDetail.as_view(),
        name="api-submission",
    ),
    path(
        "submissions/<uuid:public_id>/questions/",
        submissions.SubmissionQuestions.as_view(),
        name="api-submission-questions",
    ),
    path(
        "submissions/<uuid:public_id>/answers/",
        answers.AnswerList.as_view(),
        name="api-answers",
    ),
    path(
        "submissions/<uuid:public_id>/answers/<str:question_ref>/",
        answers.AnswerDetail.as_view(),
        name="api-answer",
    ),
    path(
        "submissions/<uuid:public_id>/evidence/",
        evidence.SubmissionEvidence.as_view(),
        name="api-submission-evidence",
    ),
    path("evidence/<uuid:public_id>/", evidence.EvidenceDetail.as_view(), name="api-evidence"),
    path(
        "evidence/<uuid:public_id>/download/",
        evidence.EvidenceDownload.as_view(),
        name="api-evidence-download",
    ),
    path(
        "evidence/<uuid:public_id>/questions/",
        evidence.EvidenceQuestions.as_view(),
        name="api-evidence-questions",
    ),
    path(
        "submissions/<uuid:public_id>/clarifications/",
        clarifications.SubmissionClarifications.as_view(),
        name="api-clarifications",
    ),
    path(
        "submissions/<uuid:public_id>/clarifications/<int:clarification_id>/answer/",
        clarifications.ClarificationAnswer.as_view(),
        name="api-clarification-answer",
    ),
    path("code-bodies/<str:code>/queue/", reviews.CodeBodyQueue.as_view(), name="api-queue"),
    path("reviews/<uuid:public_id>/", reviews.ReviewDetail.as_view(), name="api-review"),
    path(
        "reviews/<uuid:public_id>/outcomes/<str:criterion_ref>/",
        reviews.ReviewOutcome.as_view(),
        name="api-review-outcome",
    ),
    path(
        "reviews/<uuid:public_id>/clarifications/",
        reviews.ReviewClarifications.as_view(),
        name="api-review-clarifications",
    ),
    path("programme/status/", programme.ProgrammeStatus.as_view(), name="api-programme-status"),
]

from django.urls import path

from portal.api import answers, docs, programme, qualifications, submissions

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
    path("programme/status/", programme.ProgrammeStatus.as_view(), name="api-programme-status"),
]

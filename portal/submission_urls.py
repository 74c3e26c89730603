from django.urls import path

from portal.views import sections, submissions, word
from qad.views import signing

urlpatterns = [
    path("submissions/<uuid:public_id>/", submissions.submission_detail, name="submission-detail"),
    path("submissions/<uuid:public_id>/word/", word.submission_word, name="submission-word"),
    path(
        "submissions/<uuid:public_id>/word/import/",
        word.word_import,
        name="submission-word-import",
    ),
    path(
        "submissions/<uuid:public_id>/word/import/apply/",
        word.word_import_apply,
        name="submission-word-apply",
    ),
    path(
        "submissions/<uuid:public_id>/sections/<str:section_ref>/",
        sections.section_detail,
        name="submission-section",
    ),
    path(
        "submissions/<uuid:public_id>/answers/<str:question_ref>/",
        sections.answer_autosave,
        name="answer-autosave",
    ),
    path(
        "submissions/<uuid:public_id>/answers/<str:question_ref>/evidence/",
        sections.answer_evidence,
        name="answer-evidence",
    ),
    path(
        "submissions/<uuid:public_id>/answers/<str:question_ref>/confirm/",
        sections.answer_confirm_view,
        name="answer-confirm",
    ),
    path(
        "submissions/<uuid:public_id>/checklist/",
        submissions.submission_checklist,
        name="submission-checklist",
    ),
    path(
        "submissions/<uuid:public_id>/pre-check/",
        submissions.submission_precheck,
        name="submission-precheck",
    ),
    path(
        "submissions/<uuid:public_id>/submit/",
        submissions.submission_submit_view,
        name="submission-submit",
    ),
    path(
        "submissions/<uuid:public_id>/revisions/<int:number>/",
        submissions.revision_detail,
        name="revision-detail",
    ),
    path(
        "submissions/<uuid:public_id>/conflicts/<int:conflict_id>/",
        submissions.conflict_resolve_view,
        name="conflict-resolve",
    ),
    path(
        "submissions/<uuid:public_id>/clarifications/<int:clarification_id>/answer/",
        submissions.clarification_answer_view,
        name="clarification-answer",
    ),
    path(
        "submissions/<uuid:public_id>/sign/", signing.submission_sign_view, name="submission-sign"
    ),
]

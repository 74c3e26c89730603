from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal.views import api_tokens, health, home, people, programme, qualifications
from qualification import audit_views, two_factor

urlpatterns = [
    path("", home.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/two-factor/setup/", two_factor.setup, name="two-factor-setup"),
    path("account/two-factor/verify/", two_factor.verify, name="two-factor-verify"),
    path("account/api-tokens/", api_tokens.api_tokens, name="api-tokens"),
    path(
        "account/api-tokens/<uuid:public_id>/revoke/",
        api_tokens.api_token_revoke,
        name="api-token-revoke",
    ),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="registration/reset_form.html",
            email_template_name="registration/reset_email.txt",
            subject_template_name="registration/reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/reset_sent.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("csp-report/", audit_views.csp_report, name="csp-report"),
    path("audit/", audit_views.audit_log, name="audit"),
    path(
        "organisations/<uuid:public_id>/audit/",
        audit_views.organisation_audit_log,
        name="organisation-audit",
    ),
    path(
        "organisations/<uuid:public_id>/qualifications/new/",
        qualifications.qualification_start_view,
        name="qualification-start",
    ),
    path(
        "organisations/<uuid:public_id>/mpids/new/", qualifications.mpid_add_view, name="mpid-add"
    ),
    path(
        "qualifications/<uuid:public_id>/",
        qualifications.qualification_detail,
        name="qualification-detail",
    ),
    path("qualifications/<uuid:public_id>/pqs/", qualifications.pqs_edit, name="pqs-edit"),
    path(
        "qualifications/<uuid:public_id>/pqs/decision/",
        qualifications.pqs_decide_view,
        name="pqs-decide",
    ),
    path(
        "qualifications/<uuid:public_id>/final-qad/",
        qualifications.final_qad_start_view,
        name="final-qad-start",
    ),
    path("programme/", programme.programme, name="programme"),
    path("health/", health.health, name="health"),
    path("health/live", health.live, name="health-live"),
    path("people/", people.people, name="people"),
    path("people/<uuid:public_id>/", people.person, name="person"),
    path("organisations/", people.organisations, name="organisations"),
    path(
        "organisations/<uuid:public_id>/people/",
        people.organisation_people,
        name="organisation-people",
    ),
    path(
        "invitations/<str:token>/",
        people.invitation_accept_view,
        name="invitation-accept",
    ),
    path(
        "programme/export.<str:file_format>",
        programme.programme_export,
        name="programme-export",
    ),
    path("", include("portal.submission_urls")),
    path("", include("evidence.urls")),
    path("", include("assessment.review_urls")),
    path("", include("portal.version_urls")),
    path("", include("assessment.reports.urls")),
    path("api/v1/", include("portal.api.urls")),
    path("admin/", admin.site.urls),
]

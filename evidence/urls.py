from django.urls import path

from evidence import pack_views, views

urlpatterns = [
    path(
        "submissions/<uuid:public_id>/evidence/", views.evidence_register, name="evidence-register"
    ),
    path(
        "submissions/<uuid:public_id>/evidence/upload/",
        views.evidence_upload_view,
        name="evidence-upload",
    ),
    path(
        "submissions/<uuid:public_id>/evidence/rely/",
        views.evidence_rely_view,
        name="evidence-rely",
    ),
    path(
        "submissions/<uuid:public_id>/evidence/links/<int:link_id>/remove/",
        views.evidence_remove,
        name="evidence-remove",
    ),
    path(
        "submissions/<uuid:public_id>/evidence/links/<int:link_id>/replace/",
        views.evidence_replace_view,
        name="evidence-replace",
    ),
    path("evidence/<uuid:public_id>/download/", views.evidence_download, name="evidence-download"),
    path("evidence/<uuid:public_id>/state/", views.evidence_state, name="evidence-state"),
    path("evidence/<uuid:public_id>/change/", views.evidence_change_view, name="evidence-change"),
    path(
        "evidence/<uuid:public_id>/justify/", views.evidence_justify_view, name="evidence-justify"
    ),
    path("organisations/<uuid:public_id>/evidence-packs/", pack_views.pack_list, name="pack-list"),
    path("evidence-packs/<uuid:public_id>/", pack_views.pack_detail, name="pack-detail"),
    path(
        "evidence-packs/<uuid:public_id>/upload/", pack_views.pack_upload_view, name="pack-upload"
    ),
    path("evidence-packs/<uuid:public_id>/share/", pack_views.pack_share, name="pack-share"),
]

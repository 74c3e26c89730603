from django.urls import path

from portal.views import versions

urlpatterns = [
    path("versions/", versions.versions_list, name="versions"),
    path("versions/templates/<int:pk>/", versions.template_version, name="template-version"),
    path(
        "versions/templates/<int:pk>/publish/", versions.template_publish, name="template-publish"
    ),
    path("versions/templates/<int:pk>/move/", versions.template_move, name="template-move"),
    path("versions/criteria/<int:pk>/", versions.criteria_version, name="criteria-version"),
    path("versions/criteria/<int:pk>/publish/", versions.criteria_publish, name="criteria-publish"),
    path("versions/criteria/<int:pk>/recheck/", versions.criteria_recheck, name="criteria-recheck"),
    path(
        "versions/criteria/<int:pk>/recheck/progress/",
        versions.criteria_recheck_progress,
        name="criteria-recheck-progress",
    ),
]

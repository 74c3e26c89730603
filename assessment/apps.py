from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "Assessment criteria and reviews"

    def ready(self) -> None:
        # Imported here: models and receivers load once Django's app registry is ready.
        from assessment.models import CriteriaSet, Criterion
        from qad.published import watch_versions

        watch_versions(CriteriaSet, Criterion)

        from assessment import (
            receivers,  # noqa: F401  (connects them)
            tasks,  # noqa: F401  (registers them with Celery)
        )
        from assessment.notifications import SENDERS
        from assessment.reports import tasks as report_tasks  # noqa: F401  (the same)
        from qad.notifications import register_senders

        register_senders(**SENDERS)

from django.apps import AppConfig


class QadConfig(AppConfig):
    name = "qad"
    verbose_name = "QAD templates and submissions"

    def ready(self) -> None:
        # Imported here: models and receivers load once Django's app registry is ready.
        from qad.models import EvidenceType, QadTemplate, Question, Section
        from qad.published import watch_versions

        watch_versions(QadTemplate, Section, Question, EvidenceType)

        from qad import (
            receivers,  # noqa: F401  (connects them)
            tasks,  # noqa: F401  (registers them with Celery)
        )

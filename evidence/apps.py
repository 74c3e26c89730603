from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = "Evidence"

    def ready(self) -> None:
        # Imported here: models and receivers load once Django's app registry is ready.
        from evidence import (
            receivers,  # noqa: F401  (connects them)
            tasks,  # noqa: F401  (registers them with Celery)
        )
        from evidence.attachments import RevisionAttachments
        from qad.attachments import attachments_register

        attachments_register(RevisionAttachments())

from django.apps import AppConfig


class QualificationConfig(AppConfig):
    name = "qualification"
    verbose_name = "Participants and qualifications"

    def ready(self) -> None:
        # Imported here: models and receivers load once Django's app registry is ready.
        from qualification import tasks  # noqa: F401  (registers them with Celery)
        from qualification.security import connect_access_signals

        connect_access_signals()

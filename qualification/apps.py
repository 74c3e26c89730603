from django.apps import AppConfig


class QualificationConfig(AppConfig):
    name = "qualification"
    verbose_name = "Participants and qualifications"

    def ready(self) -> None:
        from qualification.security import connect_access_signals

        connect_access_signals()

from django.apps import AppConfig


class QadConfig(AppConfig):
    name = "qad"
    verbose_name = "QAD templates and submissions"

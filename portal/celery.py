"""The portal's Celery app. Tasks live in each app's tasks.py, registered by the app's
AppConfig.ready in every process (services send them by name: qualification.outbox)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Report rendering lives in a package of its own inside the assessment app.
app.autodiscover_tasks(["assessment.reports"])

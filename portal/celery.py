"""The portal's Celery app. Tasks live in each app's tasks.py, registered by the app's
AppConfig.ready in every process (services send them by name: qualification.outbox)."""

import os

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Report rendering lives in a package of its own inside the assessment app.
app.autodiscover_tasks(["assessment.reports"])


def _connect_request_ids() -> None:
    # Imported here: Django's settings are configured by now.
    from qualification.request_ids import add_to_task_headers, forget_after_task, take_from_task

    before_task_publish.connect(add_to_task_headers, weak=False)
    task_prerun.connect(take_from_task, weak=False)
    task_postrun.connect(forget_after_task, weak=False)


_connect_request_ids()

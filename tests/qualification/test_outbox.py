"""Follow-up work is recorded with the change that needs it, and sent when the broker can
take it (tests/integration/test_broker_outage.py stops a real Redis)."""

import pytest
from celery import current_app
from celery.exceptions import NotRegistered
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError

from qualification.models import OutboxMessage
from qualification.outbox import enqueue_on_commit, outbox_flush
from qualification.tasks import send_invitation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker(monkeypatch, reference_data):
    """A broker that can be switched off; what reaches it is kept in `sent`."""
    state = {"up": True, "sent": []}

    def apply_async(kwargs=None, **options):
        if not state["up"]:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        state["sent"].append((task.name, kwargs))

    task = current_app.tasks[send_invitation.name]
    monkeypatch.setattr(task, "apply_async", apply_async)
    current_app.conf.task_always_eager = False  # tests/conftest.py's eager_tasks restores it
    return state


def test_work_for_a_change_made_while_the_broker_is_down_is_sent_by_the_sweep(broker):
    broker["up"] = False
    with transaction.atomic():
        enqueue_on_commit(send_invitation, invitation_id=7, token="t")
    message = OutboxMessage.objects.get()
    assert (message.sent_at, message.attempts) == (None, 1)
    assert "Connection refused" in message.last_error

    assert outbox_flush() == 0, "still down: nothing sent, nothing lost"
    assert OutboxMessage.objects.get().attempts == 2

    broker["up"] = True
    assert outbox_flush() == 1
    assert broker["sent"] == [("qad.people.send_invitation", {"invitation_id": 7, "token": "t"})]
    assert OutboxMessage.objects.get().sent_at is not None
    assert outbox_flush() == 0, "sent once"


def test_a_rolled_back_change_sends_nothing(broker):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(send_invitation, invitation_id=7, token="t")
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()
    assert broker["sent"] == []


def test_a_task_sent_by_its_name_is_sent_when_the_change_commits(broker):
    with transaction.atomic():
        enqueue_on_commit("qad.people.send_invitation", invitation_id=7, token="t")
        assert broker["sent"] == [], "not before the commit"
    assert broker["sent"] == [("qad.people.send_invitation", {"invitation_id": 7, "token": "t"})]
    assert OutboxMessage.objects.get().sent_at is not None


def test_a_misspelt_task_name_fails_the_change_that_sends_it(broker):
    with pytest.raises(NotRegistered), transaction.atomic():
        OutboxMessage.objects.create(task_name="the change itself", kwargs={})
        enqueue_on_commit("qad.people.send_invitaton", invitation_id=7, token="t")
    assert not OutboxMessage.objects.exists()
    assert broker["sent"] == []


def test_beat_runs_the_sweep_every_minute():
    schedule = settings.CELERY_BEAT_SCHEDULE["flush-outbox"]
    assert (schedule["task"], schedule["schedule"]) == ("qad.outbox.flush", 60.0)

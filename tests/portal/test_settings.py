"""Configuration from the environment: the embedded default, the full stack, production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal.env import ConfigError, cache_config, celery_config, database_config, env_bool

ROOT = Path(__file__).resolve().parents[2]


def test_with_nothing_set_the_portal_uses_sqlite_in_the_project_folder():
    config = database_config(base_dir=ROOT, environ={})
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(ROOT / "db.sqlite3")


def test_database_url_selects_postgresql():
    config = database_config(
        base_dir=ROOT, environ={"DATABASE_URL": "postgres://qad:secret@db.internal:5432/portal"}
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.internal",
        5432,
        "portal",
        "qad",
    )


def test_with_no_redis_tasks_run_eagerly_in_the_web_process():
    config = celery_config(environ={})
    assert config["CELERY_TASK_ALWAYS_EAGER"] is True
    assert config["CELERY_BROKER_URL"] == "memory://"


def test_redis_url_selects_a_redis_broker_and_real_workers():
    config = celery_config(environ={"REDIS_URL": "redis://cache.internal:6379/1"})
    assert config["CELERY_TASK_ALWAYS_EAGER"] is False
    assert config["CELERY_BROKER_URL"] == "redis://cache.internal:6379/1"
    assert config["CELERY_TASK_ACKS_LATE"] is True
    assert config["CELERY_TASK_REJECT_ON_WORKER_LOST"] is True
    assert config["CELERY_WORKER_PREFETCH_MULTIPLIER"] == 1
    # A task still running must not be handed to a second worker by the broker.
    assert (
        config["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"]
        > config["CELERY_TASK_TIME_LIMIT"]
    )


def test_with_no_redis_sessions_are_read_from_the_database_not_a_cache_of_one_process():
    config = cache_config(environ={})
    assert config["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert config["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


def test_redis_url_selects_a_shared_cache_while_sessions_stay_in_the_database():
    # A Redis outage must neither sign people out nor stop them signing in.
    config = cache_config(environ={"REDIS_URL": "redis://cache.internal:6379/1"})
    assert config["CACHES"]["default"]["BACKEND"] == "qualification.redis_cache.RedisCache"
    assert config["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/1"
    assert config["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


def test_the_redis_cache_keeps_and_reads_values():
    import uuid

    from qualification.redis_cache import RedisCache

    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs REDIS_URL (set by .ci/run)")
    cache = RedisCache(url, {"KEY_PREFIX": f"client-test-{uuid.uuid4().hex}"})
    cache.set("questions", "drawn once", timeout=30)
    assert cache.get("questions") == "drawn once"
    assert cache.get_many(["questions", "absent"]) == {"questions": "drawn once"}
    cache.delete("questions")
    assert cache.get("questions") is None


def test_portals_sharing_one_redis_with_their_own_key_prefixes_do_not_read_each_others_values():
    # Keys name rows by their ids, which mean different rows in different databases.
    import uuid

    from qualification.redis_cache import RedisCache

    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs REDIS_URL (set by .ci/run)")
    run = uuid.uuid4().hex
    configs = [
        cache_config(environ={"REDIS_URL": url, "CACHE_KEY_PREFIX": f"{portal}-{run}"})
        for portal in ("north", "south")
    ]
    north, south = (
        RedisCache(c["CACHES"]["default"]["LOCATION"], c["CACHES"]["default"]) for c in configs
    )
    north.set("guidance:1", "the north's question 1", timeout=30)
    south.set("guidance:1", "the south's question 1", timeout=30)
    assert north.get("guidance:1") == "the north's question 1"
    assert south.get("guidance:1") == "the south's question 1"
    north.delete("guidance:1")
    south.delete("guidance:1")


def test_a_redis_that_does_not_answer_reads_as_an_empty_cache_and_is_logged_once(caplog):
    import logging
    import socket

    from qualification.redis_cache import RedisCache

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once it is closed
    cache = RedisCache(
        f"redis://127.0.0.1:{port}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}},
    )
    with caplog.at_level(logging.WARNING, logger="qad.outage"):
        cache.set("questions", "drawn once", timeout=30)
        assert cache.get("questions", "a miss") == "a miss"
        assert cache.get_many(["questions"]) == {}
        assert cache.add("questions", "x") is False
    outages = [r for r in caplog.records if r.name == "qad.outage"]
    assert len(outages) == 1 and "does not answer" in outages[0].getMessage()


def test_no_task_may_run_longer_than_the_broker_waits_before_handing_it_out_again():
    from portal import celery_app

    celery_app.loader.import_default_modules()
    config = celery_config(environ={"REDIS_URL": "redis://cache.internal:6379/1"})
    visibility = config["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"]
    ours = {name: task for name, task in celery_app.tasks.items() if name.startswith("qad.")}
    assert len(ours) >= 8
    for name, task in ours.items():
        limit = task.time_limit or config["CELERY_TASK_TIME_LIMIT"]
        assert limit < visibility, name
        assert task.acks_late is not False, name


@pytest.mark.parametrize(
    ("raw", "value"), [("1", True), ("yes", True), ("0", False), ("off", False)]
)
def test_yes_no_variables(raw, value):
    assert env_bool("DEBUG", default=not value, environ={"DEBUG": raw}) is value


def test_a_yes_no_variable_that_is_neither_says_so():
    with pytest.raises(ConfigError, match="DEBUG='maybe' is not a yes/no value"):
        env_bool("DEBUG", default=True, environ={"DEBUG": "maybe"})


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    environ.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_passes_the_deployment_checks_with_no_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="k" * 20 + "3f9a-Zq!e7#Lm2@Rt8$Wx5%Yb1^Nc6&Pd",
        ALLOWED_HOSTS="qad.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_mode_without_a_secret_key_refuses_to_start():
    result = run_manage("check", DEBUG="0", ALLOWED_HOSTS="qad.example")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_every_model_change_has_its_migration(tmp_path):
    # An empty database: a developer's own database may hold migrations from another branch.
    result = run_manage(
        "makemigrations", "--check", "--dry-run", DATABASE_URL=f"sqlite:///{tmp_path}/empty.db"
    )
    assert result.returncode == 0, result.stdout


def test_an_error_message_is_drawn_as_a_danger_alert():
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.template.loader import render_to_string

    page = render_to_string(
        "includes/messages.html",
        {"messages": [Message(constants.ERROR, "Confirm the earlier step first.")]},
    )

    assert 'class="alert alert-danger"' in page


@pytest.mark.django_db
def test_a_browser_asking_for_german_gets_the_portal_in_british_english(client):
    from django.utils.translation import gettext

    response = client.get("/login/", headers={"accept-language": "de"})

    assert response.headers["Content-Language"] == "en-gb"
    assert 'lang="en-GB"' in response.content.decode()
    assert gettext("This field is required.") == "This field is required."


def test_the_cache_may_have_a_redis_of_its_own_beside_the_broker_s():
    config = cache_config(
        environ={"REDIS_URL": "redis://broker:6379/0", "CACHE_URL": "redis://cache:6379/0"}
    )
    assert config["CACHES"]["default"]["LOCATION"] == "redis://cache:6379/0"
    assert celery_config(environ={"REDIS_URL": "redis://broker:6379/0"})["CELERY_BROKER_URL"] == (
        "redis://broker:6379/0"
    )

"""The compose file an operator deploys, read as compose reads it (no Docker needed): every
service says how it is healthy, nothing serves before the migrations, and gunicorn gets every
option it is given."""

from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_every_service_says_how_it_is_healthy():
    for name, service in compose()["services"].items():
        check = service.get("healthcheck")
        assert check, f"{name} has no healthcheck"
        if check.get("disable"):
            assert service.get("restart") == "no", f"{name}: only a one-off job may have none"
        else:
            assert check.get("test"), name


def test_nothing_serves_before_the_migrations_have_run():
    services = compose()["services"]
    for name in ("web", "worker", "worker-reports", "beat"):
        waits = services[name]["depends_on"]["migrate"]["condition"]
        assert waits == "service_completed_successfully", name
    assert "migrate" in services["migrate"]["command"]
    assert "migrate" not in str(services["web"]["command"]), "replicas would race"


def test_every_option_reaches_gunicorn():
    command = compose()["services"]["web"]["command"]
    assert isinstance(command, list), "a list: no shell to fold the options away"
    assert command[0] == "gunicorn"
    assert command[command.index("--timeout") + 1] == "120"
    assert command[command.index("--access-logfile") + 1] == "-"


def test_the_broker_never_evicts_and_the_cache_does():
    services = compose()["services"]
    broker, cache = services["redis-broker"]["command"], services["redis-cache"]["command"]
    assert broker[broker.index("--maxmemory-policy") + 1] == "noeviction"
    assert cache[cache.index("--maxmemory-policy") + 1] == "allkeys-lru"
    web = services["web"]["environment"]
    assert web["REDIS_URL"].startswith("redis://redis-broker")
    assert web["CACHE_URL"].startswith("redis://redis-cache")
    assert web["CLAMAV_URL"] == "tcp://clamd:3310"


def test_nginx_buffers_uploads_and_passes_who_and_how_the_person_connected():
    conf = (ROOT / "deploy" / "nginx" / "default.conf.template").read_text()
    for directive in (
        "client_max_body_size ${NGINX_CLIENT_MAX_BODY_SIZE};",
        "proxy_request_buffering on;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "alias /app/staticfiles/;",
    ):
        assert directive in conf

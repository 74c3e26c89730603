#!/bin/sh
# Set up the database, load the shipped QAD template, criteria and demo world, and serve the
# portal. With REDIS_URL set, a Celery worker and beat run beside the web server.
set -eu
cd "$(dirname "$0")/.."
PY=.venv/bin/python
# Links in e-mails (invitations, assignments) point where the portal is served; the worker
# that sends them reads it too.
export PORTAL_URL="${PORTAL_URL:-http://$HOST:$PORT}"

$PY manage.py migrate --no-input
# The template is published once every Code Body assessing it has its criteria.
$PY manage.py load_qad_template data/qad/qad-v3.01.yaml --draft
for file in data/criteria/*.yaml; do
    $PY manage.py load_criteria "$file"
done
$PY manage.py publish_qad_template 3.01
$PY manage.py load_demo --password "$DEMO_PASSWORD"

if [ -n "${REDIS_URL:-}" ]; then
    mkdir -p var
    .venv/bin/celery -A portal worker --loglevel=INFO -Q default,reports --concurrency 2 \
        --max-tasks-per-child 20 &
    worker=$!
    .venv/bin/celery -A portal beat --loglevel=INFO --schedule var/celerybeat-schedule &
    beat=$!
    trap 'kill $worker $beat 2>/dev/null || true' EXIT INT TERM
fi

echo "QAD Portal on http://$HOST:$PORT/ — sign in as any demo user above."
$PY manage.py runserver "$HOST:$PORT"

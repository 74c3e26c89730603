#!/bin/sh
# The production topology of docker-compose.yml without Docker, on local ports: nginx (from
# Debian's package) in front of gunicorn, a Celery worker, a reports worker, beat and the test
# clamd, against the PostgreSQL and Redis of DATABASE_URL and REDIS_URL.
#
#   scripts/stack.sh start     start everything, wait until /health/ answers through nginx
#   scripts/stack.sh stop      stop what `start` started
#
# Settings: STACK_PORT (nginx, default 8180), STACK_WEB_PORT (gunicorn, 8181), STACK_DIR
# (pid files, logs and nginx's spool, default var/stack). Needs nginx: apt-get install
# nginx-light.
set -eu
cd "$(dirname "$0")/.."

DIR="${STACK_DIR:-$(pwd)/var/stack}"
PORT="${STACK_PORT:-8180}"
WEB_PORT="${STACK_WEB_PORT:-8181}"
BIN=.venv/bin
say() { echo "stack: $*" >&2; }

stop() {
    for name in nginx beat worker-reports worker web; do
        if [ -f "$DIR/$name.pid" ]; then
            pid="$(cat "$DIR/$name.pid")"
            kill "$pid" 2>/dev/null && say "stopped $name ($pid)" || true
            rm -f "$DIR/$name.pid"
        fi
    done
}

if [ "${1:-}" = "stop" ]; then
    stop
    exit 0
fi
[ "${1:-}" = "start" ] || { echo "usage: $0 start|stop" >&2; exit 2; }
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || {
    echo "nginx is not installed: apt-get install nginx-light" >&2
    exit 1
}
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database}"
: "${REDIS_URL:?REDIS_URL must name the Redis broker}"
mkdir -p "$DIR/nginx-body" "$DIR/logs"

# Production settings, on plain HTTP on this machine (no TLS in front: no redirect to HTTPS,
# cookies not marked HTTPS-only).
export DEBUG=0 SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 ALLOWED_HOSTS="127.0.0.1,localhost"
export SECRET_KEY="${SECRET_KEY:-stack-$(python3 -c 'import secrets; print(secrets.token_hex(32))')}"
export TRUSTED_PROXIES=127.0.0.1 PORTAL_URL="http://127.0.0.1:$PORT"
export CSRF_TRUSTED_ORIGINS="http://127.0.0.1:$PORT"
export CLAMAV_URL="${CLAMAV_URL:-$(scripts/clamd-test.sh)}"
export STATIC_ROOT="$DIR/static"

$BIN/python manage.py migrate --no-input >"$DIR/logs/migrate.log"
$BIN/python manage.py collectstatic --no-input >/dev/null

# The same options as the compose file's services (docker-compose.yml).
$BIN/gunicorn portal.wsgi:application --bind "127.0.0.1:$WEB_PORT" --workers 2 \
    --timeout 120 --access-logfile "$DIR/logs/access.log" --error-logfile "$DIR/logs/web.log" \
    --pid "$DIR/web.pid" --daemon
$BIN/celery -A portal worker -Q default --concurrency 1 --hostname "stack-default@%h" \
    --logfile "$DIR/logs/worker.log" --pidfile "$DIR/worker.pid" --detach
$BIN/celery -A portal worker -Q reports --concurrency 1 --prefetch-multiplier 1 \
    --hostname "stack-reports@%h" --max-tasks-per-child 20 \
    --logfile "$DIR/logs/worker-reports.log" --pidfile "$DIR/worker-reports.pid" --detach
$BIN/celery -A portal beat --schedule "$DIR/celerybeat-schedule" \
    --logfile "$DIR/logs/beat.log" --pidfile "$DIR/beat.pid" --detach

# nginx's own configuration for this run, from the compose file's template.
sed -e "s#server web:8000;#server 127.0.0.1:$WEB_PORT;#" \
    -e "s#listen 80;#listen 127.0.0.1:$PORT;#" \
    -e "s#\${NGINX_CLIENT_MAX_BODY_SIZE}#1100m#" \
    -e "s#/var/cache/nginx/client_temp#$DIR/nginx-body#" \
    -e "s#alias /app/staticfiles/;#alias $DIR/static/;#" \
    deploy/nginx/default.conf.template >"$DIR/portal.conf"
# Started as root, nginx's workers would drop to "nobody", who may not read the checkout.
USER_LINE=""
[ "$(id -u)" -eq 0 ] && USER_LINE="user $(id -un);"
cat >"$DIR/nginx.conf" <<CONF
$USER_LINE
pid $DIR/nginx.pid;
error_log $DIR/logs/nginx-error.log;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    access_log $DIR/logs/nginx-access.log;
    client_body_temp_path $DIR/nginx-body;
    proxy_temp_path $DIR/nginx-body;
    fastcgi_temp_path $DIR/nginx-body;
    uwsgi_temp_path $DIR/nginx-body;
    scgi_temp_path $DIR/nginx-body;
    include $DIR/portal.conf;
}
CONF
/usr/sbin/nginx -c "$DIR/nginx.conf" -p "$DIR"

for _ in $(seq 1 60); do
    if curl -fsS "http://127.0.0.1:$PORT/health/" >"$DIR/health.json" 2>/dev/null; then
        say "nginx on http://127.0.0.1:$PORT/ in front of gunicorn on $WEB_PORT"
        say "workers (default, reports), beat, clamd on $CLAMAV_URL; health: $(cat "$DIR/health.json")"
        exit 0
    fi
    sleep 1
done
say "the portal did not answer /health/ through nginx; logs in $DIR/logs"
stop
exit 1

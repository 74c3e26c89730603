"""Settings for the QAD Portal, read from the environment (see README, "Configuration").

With nothing set the portal runs on SQLite with Celery tasks executed eagerly (the
embedded default). DATABASE_URL and REDIS_URL switch to PostgreSQL, Redis and real
workers. DEBUG=0 is production mode: SECRET_KEY and ALLOWED_HOSTS must then be set.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.contrib.messages import constants as message_levels
from django.core.exceptions import ImproperlyConfigured

from portal.env import cache_config, celery_config, database_config, env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=True)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = _DEV_SECRET_KEY
# Earlier keys, still accepted for what they signed while a new SECRET_KEY takes over
# (docs/operations.md, "Rotate SECRET_KEY").
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "qualification",
    "qad",
    "evidence",
    "assessment",
    "portal",
    "demo",
]

MIDDLEWARE = [
    # Forwarded headers are believed only from TRUSTED_PROXIES: dropped first from anyone else.
    "qualification.client_address.ForwardedHeadersMiddleware",
    # An id for every request, on its log lines, its response and the tasks it sends.
    "qualification.request_ids.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "qualification.security.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # NUL bytes and text that is not UTF-8, refused before any view reads them.
    "qualification.input_hygiene.InputHygieneMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "qualification.security.SessionLifetimeMiddleware",
    "qualification.security.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into its own response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so that repeated failures are counted before a password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "qualification.backends.PortalBackend",
]

if not DEBUG:
    # Production serves the collected, hashed static files itself; in development runserver
    # serves them from the source folders.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_config(base_dir=BASE_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "qualification.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# British English only: a browser asking for German gets the portal as it is written.
LANGUAGES = [("en-gb", "English")]
# Messages are drawn as Bootstrap alerts named after their tag: Django's "error" has none.
MESSAGE_TAGS = {message_levels.ERROR: "danger"}
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# clamd for the malware scan of evidence (tcp://host:3310 or a Unix socket path). Unset,
# files are marked "not scanned" rather than clean (evidence/scanning/clamav.py).
CLAMAV_URL = os.environ.get("CLAMAV_URL", "").strip()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Evidence uploads: the largest file accepted, and where large uploads are streamed to
# before they are stored (size it for concurrent uploads times the largest file).
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", 1024**3))
FILE_UPLOAD_TEMP_DIR = os.environ.get("FILE_UPLOAD_TEMP_DIR") or None
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_NUMBER_FILES = 50

# S3-compatible object storage for evidence when a bucket is named (README, "Storage").
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            # Evidence keys are generated and never overwritten; no public access; files
            # reach people only through the portal's authorised download view.
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "location": os.environ.get("AWS_LOCATION", ""),
        },
    }

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Cache: Redis when configured (shared by web and workers, and where sessions are read
# from), else in-process memory with sessions read from the database (portal/env.py).
_REDIS_URL = os.environ.get("REDIS_URL", "").strip()
globals().update(cache_config())

globals().update(celery_config())
CELERY_TIMEZONE = TIME_ZONE
# PDF rendering has a queue of its own, served by workers that render one report at a time
# and are recycled often (WeasyPrint does not give memory back): see README, "Workers".
CELERY_TASK_ROUTES = {"qad.reports.render": {"queue": "reports"}}
# Seconds before a render whose worker process was lost (killed for memory, a deploy) is tried
# again, elsewhere.
REPORT_RETRY_SECONDS = int(os.environ.get("REPORT_RETRY_SECONDS", 15))
CELERY_BEAT_SCHEDULE = {
    "recompute-stale-completeness": {
        "task": "qad.submissions.recompute_stale_completeness",
        "schedule": 300.0,
    },
    "flush-outbox": {
        "task": "qad.outbox.flush",
        "schedule": 60.0,
    },
    "rescan-pending-evidence": {
        "task": "qad.evidence.rescan_pending",
        "schedule": 180.0,
    },
    "sweep-automated-checks": {
        "task": "qad.assessment.sweep_checks",
        "schedule": 600.0,
    },
    # Work whose whole worker died (a container lost) is sent again within about a minute.
    "resend-lost-checks": {
        "task": "qad.assessment.resend_lost_checks",
        "schedule": 60.0,
    },
    "resend-lost-reports": {
        "task": "qad.reports.sweep",
        "schedule": 60.0,
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# The portal's own address, for links in e-mails sent from background workers.
PORTAL_URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "QAD Portal <no-reply@qad-portal.local>")
EMAIL_REPLY_TO = os.environ.get("EMAIL_REPLY_TO", "")
# The SMTP server, when EMAIL_BACKEND is django.core.mail.backends.smtp.EmailBackend.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 30))

# Sessions end after 30 minutes without a request (idle timeout), and 12 hours after signing
# in whatever happens (absolute lifetime, qualification/security.py).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", 30 * 60))
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60))
# A request moves the idle expiry on by saving the session, at most once a minute: writing it
# back on every request would cost every page a database write for a few seconds' accuracy.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60

# Repeated failed sign-ins from one address for one account are refused for a while; the
# lock ends by itself (a permanent lockout would let anyone shut a real user out).
# The reverse proxies in front of the portal (addresses or CIDR ranges, comma-separated):
# only from them are X-Forwarded-For and X-Forwarded-Proto believed.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "qualification.client_address.client_address"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", 0.25))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False

# Two-factor authentication (TOTP with recovery codes) for assessors, signatories and
# portal admins; optional for contributors and organisation admins.
OTP_TOTP_ISSUER = "QAD Portal"
REQUIRE_SECOND_FACTOR = env_bool("REQUIRE_SECOND_FACTOR", default=True)

# Content Security Policy: nothing inline, nothing from elsewhere. Violations are reported.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "report-uri": "/csp-report/",
    },
}
# The API (/api/v1/, portal/api): personal tokens only, JSON only, errors as RFC 9457
# problem details, a request budget per token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["portal.api.authentication.PersonalTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "portal.api.permissions.TokenScope",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["portal.api.throttling.PerToken"],
    "DEFAULT_THROTTLE_RATES": {"token": os.environ.get("API_RATE", "600/min")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["portal.api.parsers.PortalJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.problems.problem_response",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATE_FORMAT": "iso-8601",
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "QAD Portal API",
    "DESCRIPTION": (
        "The portal's qualifications, QADs, answers and programme status for the systems "
        "around it. Every request carries a personal API token (`Authorization: Bearer "
        "qad_…`) made on the portal's API tokens page; it acts as its owner, with the same "
        "access as their pages, read only or read and write. Errors are RFC 9457 problem "
        "details."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # A load balancer asks for /health/ over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^health/"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Cookies only over HTTPS; SECURE_COOKIES=0 for a local trial on plain HTTP only
    # (scripts/stack.sh), like SECURE_SSL_REDIRECT.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
        "json": {"()": "qualification.request_ids.JsonFormatter"},
    },
    "filters": {
        "expected_outages": {"()": "qualification.outages.ExpectedOutageFilter"},
        "request_id": {"()": "qualification.request_ids.RequestIdFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            # LOG_FORMAT=json: one JSON object a line, for a log collector.
            "formatter": "json" if os.environ.get("LOG_FORMAT") == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # A database restart or two writers meeting is answered by the portal and logged at
        # WARNING by `qad.outage` (qualification/outages.py), not as a server error.
        "django.request": {"filters": ["expected_outages"]},
        # Eager tasks (the embedded default) would log every run in the web process.
        "celery.app.trace": {"level": "INFO" if _REDIS_URL else "WARNING"},
        "kombu": {"level": "WARNING" if _REDIS_URL else "ERROR"},
        # WeasyPrint logs every layout step at INFO; its warnings (a refused URL) stay.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# Errors to Sentry when SENTRY_DSN is set: the web process and the Celery workers. The SDK
# sends no personal data (request bodies, cookies, user details) unless told to.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=0.0,
    )

# The portal's image: web (gunicorn), worker and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libmagic1 fonts-dejavu-core \
        poppler-utils curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The locked libraries first (a layer that changes only with the lock), each hash checked.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY pyproject.toml ./
COPY qualification ./qualification
COPY qad ./qad
COPY evidence ./evidence
COPY assessment ./assessment
COPY portal ./portal
COPY demo ./demo
RUN pip install --no-deps .

COPY . .
RUN useradd --create-home --uid 1000 portal \
    && mkdir -p /app/staticfiles /app/media \
    && chown -R portal /app
USER portal

# collectstatic needs production settings but no real secret.
RUN DEBUG=0 SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --no-input

EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]

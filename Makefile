# The two commands: `make run` (portal with demo data on http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_PASSWORD ?= mhhs-demo-2026
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench lint format setup system-deps versions worker clean lock stack stack-stop api-schema

run: setup
	DEMO_PASSWORD='$(DEMO_PASSWORD)' HOST='$(HOST)' PORT='$(PORT)' scripts/run.sh

# Tests run in parallel, a process per core, each on a database of its own (pytest-xdist);
# TEST_PROCESSES=0 runs them in this one process.
TEST_PROCESSES ?= auto
test: setup
	$(BIN)/pytest -n $(TEST_PROCESSES) --dist worksteal -m "not stack"
	@# The production topology through nginx, alone at the end: its timings are its own.
	$(BIN)/pytest -m stack

# BENCH_ONLY=load (or versions,pages,upload) runs part of it; every part by default.
bench: setup
	BENCH_ONLY='$(BENCH_ONLY)' $(BIN)/python -m benchmarks

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

setup: system-deps $(VENV)/.installed

system-deps:
	@scripts/system-deps.sh

# The exact libraries of the lock file, each checked against its hash; then the portal itself.
$(VENV)/.installed: pyproject.toml requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# After a change to the dependencies in pyproject.toml: the lock files again, with hashes
# (requirements.lock for production images, requirements-dev.lock for make setup).
LOCK := $(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
	--no-emit-index-url --no-emit-find-links
lock: setup
	$(BIN)/python -m pip install --quiet pip-tools
	$(LOCK) -o requirements.lock pyproject.toml
	$(LOCK) --extra dev -o requirements-dev.lock pyproject.toml

# A Celery worker for when REDIS_URL is set (scripts/run.sh starts one itself): the default
# queue and PDF reports (docker-compose.yml runs a separate worker for reports).
worker: setup
	$(BIN)/celery -A portal worker --loglevel=INFO -Q default,reports \
		--max-tasks-per-child 20

# The production topology without Docker (scripts/stack.sh), on local ports against
# DATABASE_URL and REDIS_URL; `make stack-stop` stops it.
stack: setup
	scripts/stack.sh start

stack-stop:
	scripts/stack.sh stop

# The API's OpenAPI schema, as docs/openapi.yaml holds it (a test fails when they differ).
api-schema: setup
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache

# Seuranta: `make run` serves the application, `make test` runs the whole suite.
# Both create .venv and install what they need on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-stamp

export PORT
export SITE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: install run test lint format migrate messages demo bench faults clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check '.[dev]'
	@touch $@

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

## Web server, Celery worker and Celery beat together; Ctrl-C stops all three.
run: migrate
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "Seuranta on $(SITE_URL)  (Ctrl-C to stop)"
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start --no-prefix --port $(PORT) --procfile Procfile

## Lint, migration check, then the whole test suite (SQLite unless DATABASE_URL is set).
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run --verbosity 0
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Rebuild the translation catalogues after changing user-visible strings.
messages: install
	$(BIN)/python manage.py makemessages --locale fi --locale en --ignore '.venv/*' --ignore 'var/*' --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf var/static var/broker var/celerybeat-schedule*

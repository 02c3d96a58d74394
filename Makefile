# Seuranta: `make run` serves the application, `make test` runs the whole suite.
# Both create .venv and install what they need on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-stamp

export PORT
export SITE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: install run test lint format migrate messages demo bench faults clean prod-local vnu axe screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check '.[dev]'
	@touch $@

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

## Web server, the two Celery workers (the reminders' dispatch passes; jobs people start, such as
## Send test and imports) and Celery beat together; Ctrl-C stops them all.
run: migrate
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "Seuranta on $(SITE_URL)  (Ctrl-C to stop)"
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start --no-prefix --port $(PORT) --procfile Procfile

## The W3C Nu HTML checker for tests/test_valid_html.py, from npm (the jar is too big to vendor).
## Without npm the test skips (fails under REQUIRE_SERVICES=1) and says why.
VNU_JAR := tests/vnu/node_modules/vnu-jar/build/dist/vnu.jar
$(VNU_JAR): tests/vnu/package.json tests/vnu/package-lock.json
	@if command -v npm >/dev/null; then \
	  npm ci --prefix tests/vnu --ignore-scripts --no-audit --no-fund --loglevel error && touch $@; \
	else echo "make: npm is missing: the HTML validity test cannot run (apt-get install npm)"; fi

vnu: $(VNU_JAR)

## axe-core for the accessibility checks of tests/e2e/test_look.py, from npm like the checker above.
AXE_JS := tests/axe/node_modules/axe-core/axe.min.js
$(AXE_JS): tests/axe/package.json tests/axe/package-lock.json
	@if command -v npm >/dev/null; then \
	  npm ci --prefix tests/axe --ignore-scripts --no-audit --no-fund --loglevel error && touch $@; \
	else echo "make: npm is missing: the accessibility test cannot run (apt-get install npm)"; fi

axe: $(AXE_JS)

## The main pages at phone and desktop size, English and Finnish, light and dark, as PNGs under
## var/screenshots/ for a reviewer to look at (the same run checks their width and accessibility).
screenshots: install axe
	SCREENSHOTS_DIR=$(CURDIR)/var/screenshots $(BIN)/python -m pytest tests/e2e/test_look.py -q -p no:cacheprovider
	@echo "screenshots in var/screenshots/"

## Lint, import contracts, migration check, then the whole test suite (SQLite unless DATABASE_URL
## is set), in PYTEST_WORKERS processes at once (pytest-xdist; each has its own var/, Redis
## database and test database). PYTEST_WORKERS=0 runs in this one process, PYTEST_ARGS passes on
## the rest.
PYTEST_WORKERS ?= auto
test: install vnu axe
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run --verbosity 0
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Rebuild the translation catalogues after changing user-visible strings.
## (then translate the new entries in locale/fi/LC_MESSAGES/django.po and run it again)
messages: install
	$(BIN)/python manage.py makemessages --locale fi --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --no-obsolete
	$(BIN)/python manage.py compilemessages --locale fi --ignore '.venv/*'
	$(BIN)/python scripts/check_messages.py

DEMO_EMAIL ?= demo@example.com
DEMO_APPLICATIONS ?= 60
## A demo account with a few months of job search (log in with the password it prints). Run
## again, it replaces the demo data instead of adding a second copy.
demo: migrate
	$(BIN)/python manage.py seed_demo --email $(DEMO_EMAIL) --applications $(DEMO_APPLICATIONS) --reset

## Benchmarks of issue 6 against PostgreSQL, Redis, gunicorn and an SMTP sink on this machine
## (docs/benchmarks.md); prints a table and writes var/bench/results.json. BENCH_ONLY=pages,export
## runs some of them.
bench: install
	@command -v wrk >/dev/null || { echo "bench: installing wrk"; apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python -m bench.run

## Fault tests of issues 6 and 14 (docs/reliability.md): dispatchers racing, a worker SIGKILLed,
## the SMTP server down, Redis emptied and restarted, beat stopped, a notification channel flapping
## while workers are killed, a mixed web load; each against real processes, with its figures.
## Prints a table and writes var/faults/results.json (about 15 min). FAULTS_ONLY=smtp-down,channels
## runs some of them; FAULTS_DATABASE names the PostgreSQL database (seuranta_faults).
faults: install
	$(BIN)/python -m bench.faults

clean:
	rm -rf var/static var/broker var/celerybeat-schedule* var/test

## Production settings on this machine (docs/deploy.md): DEBUG off, PostgreSQL and Redis on
## 127.0.0.1, gunicorn + the two workers + beat. Plain http, so no TLS redirect. State in var/prod-local/.
prod-local: install
	@set -e; \
	var="$(CURDIR)/var/prod-local"; mkdir -p "$$var"; \
	test -s "$$var/secret_key" || { umask 077; $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > "$$var/secret_key"; }; \
	export SEURANTA_VAR_DIR="$$var" DJANGO_DEBUG=0 DJANGO_SECRET_KEY="$$(cat "$$var/secret_key")" \
	  DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost SITE_URL=http://127.0.0.1:$(PORT) \
	  DJANGO_SECURE_SSL_REDIRECT=0 TRUSTED_PROXY_COUNT=0 \
	  DATABASE_URL="$${PROD_LOCAL_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/seuranta_prod_local}" \
	  REDIS_URL="$${PROD_LOCAL_REDIS_URL:-redis://127.0.0.1:6379/1}"; \
	$(BIN)/python -c 'import os, psycopg; from psycopg import sql; from urllib.parse import urlparse; \
	u = urlparse(os.environ["DATABASE_URL"]); name = u.path.lstrip("/"); \
	c = psycopg.connect(host=u.hostname, port=u.port or 5432, user=u.username, password=u.password, dbname="postgres", autocommit=True); \
	found = c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone(); \
	found or c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))); \
	found or print("prod-local: created database", name)'; \
	$(BIN)/python manage.py migrate --noinput; \
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0; \
	echo "Seuranta (production settings) on $$SITE_URL  (Ctrl-C to stop)"; \
	PATH="$(CURDIR)/$(BIN):$$PATH" exec $(BIN)/honcho start --no-prefix --port $(PORT) --procfile Procfile

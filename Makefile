# Two commands do everything on a fresh machine with Python 3.11 or newer and make:
#   make run   – install, migrate, load the seed meetings and demo users, serve on SQLite
#   make test  – install what the tests need (Debian's chromium for the browser tests too),
#                lint, and run the suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The browser tests (tests/e2e/conftest.py) drive this Chromium, never one Playwright downloads.
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM

.PHONY: run test lint install install-test browser pdf-deps migrate clean serve

# A Python older than 3.11 is refused before any virtualenv is made, and a failed set-up leaves
# none behind, so the next run starts clean.
$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "Python 3.11 or newer is needed; name one with: make PYTHON=python3.13 ..." >&2; \
	  exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip || { rm -rf $(VENV); exit 1; }

# Dependencies come from the lock files in requirements/ (every package pinned, with its
# hashes, for every Python the project supports); the project itself is installed on top without
# dependencies. Reinstall only when a lock changes. `make lock` refreshes the locks.
$(VENV)/.installed: requirements/base.lock pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements/base.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: requirements/test.lock pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements/test.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed

# Re-resolve the locks from pyproject.toml's pins (after changing one), for every supported
# Python at once, with uv (installed into the virtualenv for this only).
.PHONY: lock
lock: | $(PY)
	$(PY) -m pip install --quiet uv
	for extra in base test load; do \
	  $(VENV)/bin/uv pip compile pyproject.toml --universal --generate-hashes --quiet \
	    --python-version 3.11 $$( [ $$extra = base ] || echo --extra $$extra ) \
	    --output-file requirements/$$extra.lock; \
	done

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

browser: $(CHROMIUM)

# Debian's chromium package, installed only when missing: as root, or through sudo.
$(CHROMIUM):
	@if [ "$$(id -u)" -eq 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; \
	else echo "The browser tests need Debian's chromium at $@, and installing it needs root" \
	  "or sudo: run 'apt-get install chromium' as root, then make test again." >&2; exit 1; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then echo "The browser tests need Chromium at" \
	  "$@ and this machine has no apt-get: install Debian's chromium package." >&2; exit 1; fi; \
	echo "Installing Debian's chromium for the browser tests"; \
	$$sudo apt-get update -q && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
	@test -x $@ || { echo "apt-get installed chromium but $@ is still missing." >&2; exit 1; }

# WeasyPrint (the minutes PDF) needs Pango, HarfBuzz's subsetter and a font from the system:
# Debian's packages, installed only when missing, as root or through sudo like chromium above.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation fonts-dejavu-core
# ldconfig lives in /sbin, outside a non-root user's PATH on Debian.
LDCONFIG := $(shell command -v ldconfig || echo /sbin/ldconfig)
pdf-deps:
	@if $(LDCONFIG) -p | grep -q 'libpango-1.0.so' && $(LDCONFIG) -p | grep -q 'libpangoft2-1.0.so' \
	  && $(LDCONFIG) -p | grep -q 'libharfbuzz-subset.so' \
	  && find /usr/share/fonts -name '*.ttf' 2>/dev/null | grep -q .; then \
	  exit 0; fi; \
	if [ "$$(id -u)" -eq 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; \
	else echo "The minutes PDF needs Pango and fonts, and installing them needs root or sudo:" \
	  "run 'apt-get install $(PDF_PACKAGES)' as root, then make again." >&2; exit 1; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then echo "The minutes PDF needs Pango and fonts" \
	  "and this machine has no apt-get: install Pango (with pangoft2), HarfBuzz and a font." >&2; \
	  exit 1; fi; \
	echo "Installing Pango and fonts for the minutes PDF (WeasyPrint)"; \
	$$sudo apt-get update -q && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(PDF_PACKAGES)

migrate: install
	$(PY) manage.py migrate --noinput

run: migrate pdf-deps
	DEBUG=1 $(PY) manage.py load_demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production settings on this machine: gunicorn (gunicorn.conf.py) with DEBUG off, on PostgreSQL
# (DATABASE_URL, default below; the database is created when missing), static files collected for
# WhiteNoise. SECRET_KEY comes from the environment or, failing that, from .secret_key (git-ignored,
# generated on first run). It serves plain HTTP on 127.0.0.1:$(PORT), so the HTTPS redirect is off
# (SECURE_SSL_REDIRECT=0); behind a TLS proxy leave it on. See "Deploying" in the README.
serve: install pdf-deps
	@set -e; \
	export DEBUG=0 PORT="$(PORT)" \
	  DATABASE_URL="$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/assurance}" \
	  ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	  SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-0}"; \
	if [ -z "$${SECRET_KEY:-}" ]; then \
	  if [ ! -s .secret_key ]; then \
	    (umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > .secret_key); \
	  fi; \
	  SECRET_KEY="$$(cat .secret_key)"; export SECRET_KEY; \
	fi; \
	$(PY) scripts/ensure_database.py; \
	$(PY) manage.py migrate --noinput; \
	$(PY) manage.py collectstatic --noinput --verbosity 0; \
	exec $(VENV)/bin/gunicorn --config gunicorn.conf.py

# Create the PostgreSQL database named in DATABASE_URL when it is missing (nothing on SQLite):
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/assurance make database
# scripts/ensure_database.py is the one place the database is created; make serve and CI use it.
.PHONY: database
database: install
	$(PY) scripts/ensure_database.py

# The load test: Locust (the "load" extra) against gunicorn with production settings on a
# PostgreSQL database it creates, fills at archive scale 10 and drops; 50 users for 60 s on the
# loopback, then a check that every update the users posted was written once. See
# performance/loadtest/run.py; LOADTEST_DATABASE_URL is the server's maintenance database.
.PHONY: loadtest
loadtest: $(VENV)/.installed-load
	$(PY) performance/loadtest/run.py

$(VENV)/.installed-load: requirements/load.lock pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements/load.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed

# Oversized formset posts (issue 14): eight POSTs at once with TOTAL_FORMS=2000 against gunicorn
# with production settings, timing the public minutes list meanwhile; fails if a public request
# takes over a second or fails, or a post answers 500. On a PostgreSQL database it creates
# (assurance_oversized), fills at archive scale 1 and drops. Needs only the base install.
# See performance/loadtest/oversized_posts.py.
.PHONY: loadtest-oversized
loadtest-oversized: $(VENV)/.installed
	$(PY) performance/loadtest/oversized_posts.py

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The tests marked slow (the whole hostile-input corpus typed through the forms and the browser)
# are left out unless PYTEST_ARGS says otherwise; make test-slow runs them, and CI runs both.
# The suite runs on every core of the machine (pytest-xdist: one test database a worker).
PYTEST_ARGS ?= -m "not slow" -n auto
test: lint browser pdf-deps
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

.PHONY: test-slow
test-slow: install-test browser pdf-deps
	$(PY) -m pytest -m slow -n auto

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles

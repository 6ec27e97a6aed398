# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make run   – install, migrate, load the seed meetings and demo users, serve on SQLite
#   make test  – install what the tests need (Debian's chromium for the browser tests too),
#                lint, and run the suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The browser tests (tests/e2e/conftest.py) drive this Chromium, never one Playwright downloads.
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM

.PHONY: run test lint install install-test browser migrate clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

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

migrate: install
	$(PY) manage.py migrate --noinput

run: migrate
	DEBUG=1 $(PY) manage.py load_demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint browser
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles

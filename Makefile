# The two commands: `make run` and `make test`. Everything else here serves them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
export HOST PORT

.PHONY: run test lint test-sqlite test-postgres test-pwa test-e2e bench pwa deps migrate demo clean check-chromium

$(VENV)/.stamp: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

deps: $(VENV)/.stamp

pwa/node_modules/.stamp: pwa/package.json pwa/package-lock.json
	cd pwa && npm ci --no-audit --no-fund
	touch $@

PWA_SOURCES := $(shell find pwa/src pwa/public pwa/scripts pwa/index.html pwa/vite.config.ts pwa/tsconfig*.json -type f 2>/dev/null)
pwa/dist/index.html: pwa/node_modules/.stamp $(PWA_SOURCES)
	cd pwa && npm run build
	touch $@

pwa: pwa/dist/index.html

migrate: deps
	mkdir -p instance
	$(VENV)/bin/flask --app wsgi db upgrade

demo: migrate
	$(VENV)/bin/flask --app wsgi demo-data

run: deps pwa demo
	@echo "Serving on http://$(HOST):$(PORT)  (demo accounts: README.md)"
	$(VENV)/bin/gunicorn -c gunicorn.conf.py wsgi:app

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test-sqlite: deps
	TEST_DB=sqlite $(VENV)/bin/pytest --ignore=tests/e2e -p no:cacheprovider

test-postgres: deps
	TEST_DB=postgresql TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(VENV)/bin/pytest --ignore=tests/e2e -p no:cacheprovider

test-pwa: pwa
	cd pwa && npm test && npm run check:sw

check-chromium:
	@command -v chromium >/dev/null || { echo "Chromium is missing: apt-get install chromium fonts-noto-cjk (Playwright's own download cannot work here)"; exit 1; }
	@command -v dbus-daemon >/dev/null && /usr/bin/python3 -c "import gi" 2>/dev/null || { echo "The notification tests need a D-Bus session bus: apt-get install dbus-daemon python3-gi"; exit 1; }

test-e2e: deps pwa check-chromium
	$(VENV)/bin/pytest tests/e2e -p no:cacheprovider

test: lint test-sqlite test-postgres test-pwa test-e2e

bench: deps pwa
	$(PY) bench/run.py
	$(PY) bench/resident_warnings.py

clean:
	rm -rf $(VENV) pwa/node_modules pwa/dist instance/*.sqlite3*

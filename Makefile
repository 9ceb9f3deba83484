# 城管行业协会协作平台 — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint check-python install install-dev migrate seed test-sqlite test-postgres test-browser messages clean bench-consultations \
	bench-search bench-search-postgres bench-credit bench-credit-postgres bench-events bench-events-postgres \
	backup restore

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	  echo "错误：需要 Python 3.11 或更高版本，当前 $(PYTHON) 为：$$($(PYTHON) --version 2>&1)。"; \
	  echo "Error: Python >= 3.11 is required. Try: make run PYTHON=python3.11"; exit 1; }

$(VENV)/.installed-run: requirements.txt | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-dev: $(VENV)/.installed-dev

migrate: install
	@mkdir -p var/mail
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo
	$(PY) manage.py update_index

## make run: install, migrate, seed the demo, serve on http://127.0.0.1:8000
run: seed
	@echo ""
	@echo "门户地址 / Portal: http://$(HOST):$(PORT)/   后台 / Back office: http://$(HOST):$(PORT)/admin/"
	@echo "开发环境的邮件（验证码、重置密码）写入 var/mail/ 目录。"
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install-dev
	$(VENV)/bin/ruff check .

## make test: every suite — lint, checks, pytest on SQLite and PostgreSQL, browser journeys in Chromium
test: install-dev
	@echo "==> ruff"
	$(VENV)/bin/ruff check .
	@echo "==> manage.py check / makemigrations --check"
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(MAKE) --no-print-directory test-sqlite test-postgres test-browser

test-sqlite: install-dev
	@echo "==> pytest suite on SQLite"
	$(VENV)/bin/pytest -q

test-postgres: install-dev
	@echo "==> pytest suite on PostgreSQL 15"
	scripts/with-postgres.sh $(VENV)/bin/pytest -q

test-browser: install-dev
	@echo "==> browser suite (Playwright + Debian Chromium)"
	scripts/browser-tests.sh

## make messages: refresh the translation catalogues and compile them
messages: install-dev
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=node_modules --ignore=var --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf var/static var/search_index

## make bench-consultations: time the consultation exports (意见采纳情况 DOCX/XLSX/CSV) on 5,000 comments
bench-consultations: install-dev
	$(PY) bench/consultations_export.py

## make bench-search [DOCS=20000]: Whoosh backend — index DOCS generated documents, query mix p50/p95, steady state
DOCS ?= 20000
bench-search: install-dev
	@uptime
	$(PY) bench/search.py --docs $(DOCS)

## make bench-search-postgres [DOCS=20000]: the same corpus and queries on the PostgreSQL backend (throwaway cluster)
bench-search-postgres: install-dev
	@uptime
	scripts/with-postgres.sh $(PY) bench/search_postgres.py --docs $(DOCS)

## make bench-credit [FIRMS=10000 EVENTS=20]: compute one rating round over FIRMS firms × EVENTS credit events (SQLite)
FIRMS ?= 10000
EVENTS ?= 20
bench-credit: install-dev
	@uptime
	$(PY) bench/credit.py --firms $(FIRMS) --events $(EVENTS)

## make bench-credit-postgres [FIRMS=10000 EVENTS=20]: the same on PostgreSQL (throwaway cluster)
bench-credit-postgres: install-dev
	@uptime
	scripts/with-postgres.sh $(PY) bench/credit.py --firms $(FIRMS) --events $(EVENTS)

## make bench-events [REGISTRATIONS=1000]: register REGISTRATIONS attendees on one event with quotas, then time the event page, /me/events/ and the attendee export (SQLite)
REGISTRATIONS ?= 1000
bench-events: install-dev
	@uptime
	$(PY) bench/bench_events.py --registrations $(REGISTRATIONS)

## make bench-events-postgres [REGISTRATIONS=1000]: the same on PostgreSQL (throwaway cluster)
bench-events-postgres: install-dev
	@uptime
	scripts/with-postgres.sh $(PY) bench/bench_events.py --registrations $(REGISTRATIONS)

## make bench-import-firms [ROWS=10000 RUNS=3]: import an XLSX of ROWS member firms (first import, re-import, 1 % invalid rows) through the back office's import service (SQLite)
ROWS ?= 10000
RUNS ?= 3
.PHONY: bench-import-firms bench-import-firms-postgres
bench-import-firms: install-dev
	@uptime
	$(PY) bench/import_firms.py --rows $(ROWS) --runs $(RUNS)

## make bench-import-firms-postgres [ROWS=10000 RUNS=3]: the same on PostgreSQL (throwaway cluster)
bench-import-firms-postgres: install-dev
	@uptime
	scripts/with-postgres.sh $(PY) bench/import_firms.py --rows $(ROWS) --runs $(RUNS)

## make bench [SCALE=1 BENCH_SECONDS=2 BENCH_ROUNDS=2]: HTTP benchmark — build the scaled dataset (SQLite, then PostgreSQL), serve with gunicorn, wrk each page against a bare-Django ceiling (page cache off/on), write docs/performance.md's section
.PHONY: bench
SCALE ?= 1
BENCH_SECONDS ?= 2
BENCH_ROUNDS ?= 2
bench: install-dev
	@command -v wrk >/dev/null || apt-get install -y wrk || { apt-get update -qq && apt-get install -y wrk; }
	@uptime
	$(PY) -m bench.http.main run --db sqlite --scale $(SCALE) --seconds $(BENCH_SECONDS) --rounds $(BENCH_ROUNDS)
	scripts/with-postgres.sh $(PY) -m bench.http.main run --db postgres --scale $(SCALE) --seconds $(BENCH_SECONDS) \
	  --rounds $(BENCH_ROUNDS)
	$(PY) -m bench.http.main report

## make backup: database, media files and search index into var/backups/backup-YYYYMMDD-HHMMSS.tar.gz
backup: install
	$(PY) manage.py backup --output var/backups

## make restore FILE=var/backups/backup-….tar.gz [FORCE=1]: put a backup back (FORCE=1 overwrites a non-empty database)
restore: install
	@test -n "$(FILE)" || { echo "用法 / Usage: make restore FILE=var/backups/backup-YYYYMMDD-HHMMSS.tar.gz [FORCE=1]"; exit 1; }
	$(PY) manage.py restore "$(FILE)" $(if $(FORCE),--force)

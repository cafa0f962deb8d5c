# Statement Tracker. `make demo` and `make test` work on a fresh machine and are safe to run twice.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
# Where `make demo` and `make run` serve: `make demo PORT=8001` (or ADDR=0.0.0.0 to be reachable from elsewhere).
ADDR ?= 127.0.0.1
PORT ?= 8000
# Test processes for `make test` (pytest-xdist): one per core by default; TEST_WORKERS=0 runs in this process.
TEST_WORKERS ?= auto

.PHONY: help install demo run serve test lint format browser ci clean eval-extract bench loadtest

help:
	@echo "make demo   - install, migrate, load the demo data, print an admin login, serve on ADDR:PORT (127.0.0.1:8000)"
	@echo "make serve  - production mode: collectstatic, migrate, gunicorn on 127.0.0.1:8000 (needs SECRET_KEY)"
	@echo "make test   - install and run the whole test suite on every core (SQLite, or DATABASE_URL if set)"
	@echo "make lint   - ruff check and format check"
	@echo "make ci     - what CI runs: .ci/run"
	@echo "make bench  - a million statements on SQLite and PostgreSQL: build (or reuse), measure, bench/results/"
	@echo "make loadtest - gunicorn in production mode on 127.0.0.1, a bounded load on the million statements"

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# Browser tests drive Debian's Chromium through Playwright (Playwright's own browser download does not work here).
browser:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# The server runs with DEBUG off: the demo shows a visitor's pages (the designed 404, not Django's debug page);
# WhiteNoise serves static/ from the app directories (WHITENOISE_USE_FINDERS). `make run` keeps DEBUG on.
demo: install
	DEBUG=1 $(MANAGE) migrate --no-input
	DEBUG=1 $(MANAGE) createcachetable
	DEBUG=1 $(MANAGE) load_demo --synthetic 300
	DEBUG=1 $(MANAGE) demo_admin --addrport $(ADDR):$(PORT)
	@echo "Emails (alert confirmations; digests from 'manage.py send_alerts') are written as files to sent-emails/"
	DEBUG=0 $(MANAGE) runserver $(ADDR):$(PORT)

run: install
	DEBUG=1 $(MANAGE) runserver $(ADDR):$(PORT)

# Production mode (docs/operations.md): DEBUG off, HTTPS-only settings, hashed static files through WhiteNoise.
# Needs SECRET_KEY and ALLOWED_HOSTS; for plain HTTP on the loopback also SECURE_SSL_REDIRECT=0.
PROD := PRODUCTION=$${PRODUCTION:-1} DEBUG=0
serve: install
	@test -n "$$SECRET_KEY" || { echo "make serve needs SECRET_KEY (and ALLOWED_HOSTS): see docs/operations.md"; exit 1; }
	$(PROD) $(MANAGE) collectstatic --no-input
	$(PROD) $(MANAGE) migrate --no-input
	$(PROD) $(MANAGE) createcachetable
	$(PROD) $(BIN)/gunicorn -c gunicorn.conf.py

# pytest caches its assertion-rewritten modules in __pycache__ (the plugins' too: all of Hypothesis): with
# PYTHONDONTWRITEBYTECODE set in the environment it cannot, and every test process rewrote them all again.
test: install browser
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest --numprocesses $(TEST_WORKERS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Scores the statement extractor on the seed article, the wire and briefing set (tests/data/wire) and, when
# ../shared/data is there, the PolNeAR sample; with POLNEAR_DIR set, PolNeAR dev (the script's --train: train).
eval-extract: install
	$(BIN)/python scripts/eval_extract.py

# A million statements on SQLite and PostgreSQL (docs/performance.md): builds or reuses bench/cache/bench-1m.sqlite3
# and the database st_bench (BENCH_POSTGRES_URL), measures (pages, export, then one send_alerts run on a copy of the
# database), prints a table, writes bench/results/*.json.
bench: install
	$(BIN)/python -m bench.run

# Bounded, headless load test (docs/operations.md): gunicorn on a free 127.0.0.1 port against bench's million-statement
# databases (built by the same code as make bench if missing), 8 users + one CSV export for 60 s per engine.
# LOADTEST_ARGS="--engines sqlite --duration 30" narrows it.
loadtest: install
	$(BIN)/python -m loadtest.run $(LOADTEST_ARGS)

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) .pytest_cache staticfiles

# Two commands do everything on a fresh machine with Python 3.11:
#   make run    set up, migrate, create demo accounts, serve on http://127.0.0.1:8000 (SQLite)
#   make test   set up and run the whole test suite (DATABASE_URL picks the database)
#   make bench  every benchmark (not part of make test; see docs/performance.md), about 15 minutes
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench bench-rules bench-http bench-browser bench-scale bench-postgres clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py seed_demo
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(PY) -m pytest --cov=assessments/rules --cov-branch --cov-report=term-missing:skip-covered --cov-fail-under=100 $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy --strict assessments/rules assessments/labels.py

# Benchmarks (docs/performance.md). Each creates its own escc_bench* database, server and data.
bench: bench-rules bench-http bench-browser bench-scale

bench-rules: $(STAMP)
	mkdir -p bench/results
	$(PY) bench/bench_rules.py --json bench/results/rules.json

bench-http: $(STAMP) bench-postgres
	$(PY) bench/bench_http.py

bench-browser: $(STAMP) bench-postgres
	$(PY) bench/bench_browser.py

bench-scale: $(STAMP) bench-postgres
	$(PY) bench/bench_scale.py

# The local PostgreSQL the benchmarks use (127.0.0.1:5432, user postgres), started as .ci/run does.
bench-postgres:
	@pg_isready -h 127.0.0.1 -p 5432 -q || { \
	  pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql)" main start && \
	  for i in $$(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done; }

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .coverage

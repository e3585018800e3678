# Two commands do everything on a fresh machine with Python 3.11:
#   make run    set up, migrate, create demo accounts, serve on http://127.0.0.1:8000 (SQLite)
#   make test   set up and run the whole test suite (DATABASE_URL picks the database); the
#               sign-in tests also start slapd and an OpenID provider when they are installed
#   make mutation  mutation testing of the clinical rules (not part of make test; docs/mutation-testing.md)
#   make bench  every benchmark (not part of make test; see docs/performance.md), about 15 minutes
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install sso-provider run test lint mutation bench bench-rules bench-http bench-browser bench-scale bench-cluster bench-failover bench-cpu bench-postgres clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py seed_demo
	DEBUG=true $(PY) manage.py seed_demo_on_call
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

# The OpenID provider the single sign-on tests start (npm's oidc-provider, pinned by
# tests/servers/oidc/package-lock.json). Without npm those tests skip with the reason.
OIDC_DIR := tests/servers/oidc
sso-provider:
	@if ! command -v npm >/dev/null 2>&1; then \
	  echo "npm not found: the single sign-on tests will be skipped"; \
	elif [ ! $(OIDC_DIR)/node_modules/.package-lock.json -nt $(OIDC_DIR)/package-lock.json ]; then \
	  (cd $(OIDC_DIR) && npm ci --no-audit --no-fund --loglevel=error) || \
	  { echo "npm ci failed: the single sign-on tests will be skipped"; [ -z "$$REQUIRE_SSO_SERVERS" ]; }; \
	fi

test: $(STAMP) sso-provider
	$(PY) -m pytest --cov=assessments/rules --cov-branch --cov-report=term-missing:skip-covered --cov-fail-under=100 $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy --strict assessments/rules assessments/labels.py
	$(VENV)/bin/lint-imports

# Mutation testing of assessments/rules/ with the database-free rules tests (docs/mutation-testing.md):
# mutmut (configured in pyproject.toml), then the words and sources mutmut leaves alone (tests/mutation/words.py).
# The tests read the spec beside the checkout, so mutmut's copy (mutants/) finds it through ./shared meanwhile.
MUTATION_JOBS ?= 2
mutation: $(STAMP)
	rm -rf mutants
	@if [ ! -e shared ] && [ -d ../shared ]; then ln -s ../shared shared; touch .mutation-linked-shared; fi
	status=0; \
	  if PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/mutmut run --max-children $(MUTATION_JOBS) > mutants.log 2>&1; then \
	    $(PY) -m tests.mutation.summary || status=$$?; \
	    $(PY) -m tests.mutation.words --jobs $(MUTATION_JOBS) || status=$$?; \
	  else tail -c 4000 mutants.log; status=1; fi; \
	  if [ -e .mutation-linked-shared ]; then rm -f shared .mutation-linked-shared; fi; exit $$status

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

# Its own PostgreSQL (initdb in a temporary directory), 3 gunicorns and HAProxy on 127.0.0.1:20600-20699;
# kills an app server and restarts PostgreSQL under load. About 2 minutes.
bench-cluster: $(STAMP)
	$(PY) bench/bench_cluster.py

# A pg_auto_failover formation of its own (a monitor, a primary, a synchronous standby), 2 gunicorns,
# the task worker and HAProxy on 127.0.0.1:20700-20799; kill -9 of the primary under load, promotion,
# the old primary back as the standby. About 3 minutes a run (4 with BENCH_ARGS="--switchover --duration 90");
# --runs 3 for three in a row.
bench-failover: $(STAMP)
	@command -v pg_autoctl >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15-auto-failover pg-auto-failover-cli haproxy >/dev/null; }
	$(PY) bench/bench_failover.py $(BENCH_ARGS)

# Server CPU per request in-process: /healthz, home, live-update partial (about a minute).
bench-cpu: $(STAMP) bench-postgres
	$(PY) bench/bench_cpu.py

# The local PostgreSQL the benchmarks use (127.0.0.1:5432, user postgres), started as .ci/run does.
bench-postgres:
	@pg_isready -h 127.0.0.1 -p 5432 -q || { \
	  pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql)" main start && \
	  for i in $$(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done; }

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .coverage

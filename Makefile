# Two commands do everything on a fresh machine with Python 3.11:
#   make run    set up, migrate, create demo accounts, serve on http://127.0.0.1:8000 (SQLite)
#   make test   set up and run the whole test suite (DATABASE_URL picks the database)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench clean

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
	$(PY) -m pytest --cov=assessments.rules --cov-branch --cov-report=term-missing:skip-covered --cov-fail-under=100 $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy --strict assessments/rules.py assessments/labels.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .coverage

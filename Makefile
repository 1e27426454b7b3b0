# Leadership Transitions — `make run` serves the app with demo data, `make test` runs the suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format clean bench soak

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed: $(PYTHON) was not found (set PYTHON=...)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(PY) manage.py seed_demo
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# The benchmark (docs/benchmarks.md): a large data set in PostgreSQL, the app under gunicorn,
# locust as the load. BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/
# leadership_bench) names the database it creates; BENCH_REBUILD=1 rebuilds the data;
# BENCH_ARGS="--seconds 10 ..." passes options to `python -m bench.run`.
bench: $(STAMP)
	$(PY) -m pip show --quiet locust >/dev/null 2>&1 || $(PY) -m pip install --quiet -e '.[bench]'
	$(PY) -m bench.run $(BENCH_ARGS)

# The soak test (bench/soak.py): load against gunicorn and the local PostgreSQL, which it
# restarts halfway; checks recovery and that no acknowledged write is lost or duplicated.
# Uses SOAK_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/leadership_soak).
soak: $(STAMP)
	$(PY) -m pip show --quiet locust >/dev/null 2>&1 || $(PY) -m pip install --quiet -e '.[bench]'
	$(PY) -m bench.soak $(SOAK_ARGS)

# Leadership Transitions — `make run` serves the app with demo data, `make test` runs the suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
HOST ?= 127.0.0.1
PORT ?= 8000
# pip-compile's options for the lock files: exact versions with hashes, pip and setuptools too.
LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links

.PHONY: install run test lint format clean bench soak lock

# What is installed is what requirements.txt pins (base + dev, with hashes): see `make lock`.
$(STAMP): pyproject.toml requirements.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed: $(PYTHON) was not found (set PYTHON=...)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

# Refresh the lock files from pyproject.toml's ranges, keeping every pin that still fits.
# Move one package: make lock LOCK_ARGS="--upgrade-package django"; all: LOCK_ARGS=--upgrade.
lock: $(STAMP)
	$(PY) -m piptools compile $(LOCK_FLAGS) --extra dev -o requirements.txt $(LOCK_ARGS) pyproject.toml
	$(PY) -m piptools compile $(LOCK_FLAGS) --extra bench -c requirements.txt -o requirements-bench.txt $(LOCK_ARGS) pyproject.toml

run: $(STAMP)
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(PY) manage.py seed_demo
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(PY) manage.py runserver $(HOST):$(PORT)

# In parallel (pytest-xdist): TEST_WORKERS=auto is one worker per core; TEST_WORKERS=0 runs
# everything in this process. The browser tests share one worker (--dist loadgroup).
TEST_WORKERS ?= auto
test: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup

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
bench: $(BENCH_STAMP)
	$(PY) -m bench.run $(BENCH_ARGS)

# The bench extra (locust), pinned in requirements-bench.txt at the versions requirements.txt has.
$(BENCH_STAMP): $(STAMP) requirements-bench.txt
	$(PY) -m pip install --quiet --require-hashes -r requirements-bench.txt
	touch $(BENCH_STAMP)

# The soak test (bench/soak.py): load against gunicorn and the local PostgreSQL, which it
# restarts halfway; checks recovery and that no acknowledged write is lost or duplicated.
# Uses SOAK_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/leadership_soak).
soak: $(BENCH_STAMP)
	$(PY) -m bench.soak $(SOAK_ARGS)

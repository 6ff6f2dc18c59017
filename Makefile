# 争星 Zhengxing. `make run` serves the demo county; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
export PYTHON
VENV := .venv
BIN := $(VENV)/bin
# uv from $(PYTHON) if it has it, else from a bootstrap virtualenv .venv-uv (Debian's own Python
# refuses pip installs: PEP 668)
UV := scripts/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install run serve test test-sqlite test-postgres lint bench bench-small bench-postgres load system-deps clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

run: install
	$(BIN)/zhengxing migrate --no-input
	$(BIN)/zhengxing demo
	@echo "Serving on http://127.0.0.1:8000, background jobs on a worker beside it  (Ctrl-C stops both)"
	@export ZHENGXING_HTTPS=off; \
	$(BIN)/zhengxing worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(BIN)/zhengxing runserver --insecure 127.0.0.1:8000

system-deps:
	@scripts/system-deps

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports  # the floors (README, "Floors"; pyproject.toml [tool.importlinter])
	$(BIN)/zhengxing makemigrations --check --dry-run

# Two passes (README, Tests). SQLite: every test but those marked `postgres` (real concurrent
# transactions). PostgreSQL: every test but those marked `engine_neutral` (pure rules, browser
# tests and others that touch nothing that differs between the engines). Each pass on
# TEST_WORKERS processes (pytest-xdist; a database of its own each), the long tests first.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

test-sqlite: install system-deps
	$(PYTEST) -m "not postgres"

test-postgres: install system-deps
	scripts/with-postgres $(PYTEST) -m "not engine_neutral"

# Every benchmark at the small scale: one that no longer runs fails the build.
bench-small: install
	ZHENGXING_BENCH_SCALE=small $(BIN)/python bench/run.py

test: lint test-sqlite test-postgres bench-small

bench: install
	$(BIN)/python bench/run.py $(BENCH)

bench-postgres: install
	PG_EXTRA_OPTS="-c shared_buffers=2GB -c max_wal_size=16GB -c maintenance_work_mem=1GB" scripts/with-postgres sh -c 'ZHENGXING_BENCH_POSTGRES="$$DATABASE_URL" $(BIN)/python bench/run.py $(BENCH)'

# 200 users browsing, claiming and reviewing for 5 minutes on a 100,000-member county (bench/load.py)
load: install
	PG_EXTRA_OPTS="-c fsync=on -c synchronous_commit=on -c full_page_writes=on -c shared_buffers=1GB" scripts/with-postgres $(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) .venv-uv var/test* var/bench

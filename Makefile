# The two commands: `make run` and `make test`. Everything else is a helper of those two.
SHELL := /bin/bash
BIN := .venv/bin
ARGS ?=
PYTEST_ARGS ?=
LOCK_ARGS ?=

.PHONY: run test lint typecheck check-layers check-migrations check-locks bench install install-dev lock clean

install:
	@scripts/ensure-venv.sh
	@scripts/ensure-system-deps.sh run

install-dev:
	@scripts/ensure-venv.sh dev
	@scripts/ensure-system-deps.sh

## make run: install, migrate and start the embedded default (SQLite, API + worker) with a demo partner
run: install
	$(BIN)/tukku db upgrade
	$(BIN)/tukku serve --demo $(ARGS)

## make test: lint, type-check, check migrations, and run the whole suite on SQLite and PostgreSQL
test: check-locks install-dev lint typecheck check-layers check-migrations
	$(BIN)/pytest -n 2 --durations=20 $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install-dev
	$(BIN)/mypy

# The import contracts of pyproject.toml's [tool.importlinter] (layers, see docs/development.md).
check-layers: install-dev
	$(BIN)/lint-imports

check-migrations: install-dev
	$(BIN)/tukku db check

# The locks in requirements/ were made from pyproject.toml's current dependency lists (no network).
check-locks:
	@$${PYTHON:-$$(command -v python3.11 || command -v python3)} scripts/locks.py check

## make lock: re-resolve the hash-pinned locks in requirements/ from pyproject.toml (needs PyPI).
## Keeps current pins where still allowed; LOCK_ARGS=--upgrade (or --upgrade-package NAME) moves them.
lock:
	@scripts/ensure-venv.sh bare
	$(BIN)/python -m pip install -q --require-hashes --no-deps -r requirements/uv.txt
	$(BIN)/python scripts/locks.py update $(LOCK_ARGS)

## make bench: benchmarks (not part of make test); figures go to stdout and bench/results/
## (installs the load generator wrk from Debian when missing; BENCH_SECONDS, BENCH_SCALE: docs/performance.md)
bench: install-dev
	@scripts/ensure-bench-deps.sh
	$(BIN)/python -m bench

clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache .hypothesis test-output

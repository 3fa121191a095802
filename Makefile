# The two commands: `make run` and `make test`. Everything else is a helper of those two.
SHELL := /bin/bash
BIN := .venv/bin
ARGS ?=
PYTEST_ARGS ?=

.PHONY: run test lint typecheck check-migrations bench install install-dev clean

install:
	@scripts/ensure-venv.sh

install-dev:
	@scripts/ensure-venv.sh dev
	@scripts/ensure-system-deps.sh

## make run: install, migrate and start the embedded default (SQLite, API + worker) with a demo partner
run: install
	$(BIN)/tukku db upgrade
	$(BIN)/tukku serve --demo $(ARGS)

## make test: lint, type-check, check migrations, and run the whole suite on SQLite and PostgreSQL
test: install-dev lint typecheck check-migrations
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install-dev
	$(BIN)/mypy

check-migrations: install-dev
	$(BIN)/tukku db check

## make bench: benchmarks (not part of make test); figures go to stdout and bench/results/
bench: install-dev
	$(BIN)/python -m bench

clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache .hypothesis

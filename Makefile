# Two commands on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=
LOCK_VENV := .venv-lock
LOCK_ARGS ?=

.PHONY: run test coverage lint lock bench clean help

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

# Exactly the locked versions, each checked against its hash; then Mitra itself, built
# with the locked setuptools (no unpinned download). setuptools warns on every editable
# install with two source roots that folders named like a package may shadow it: here
# those folders are the package, so that one warning is silenced.
$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Mitra needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	PYTHONWARNINGS="ignore:Editable installation" \
		$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

run: $(STAMP) ## Start web, relay, workers and scheduler on the embedded default
	$(BIN)/mitra up

test: $(STAMP) ## Run the whole suite (DATABASE_URL / BROKER_URL pick real services)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

coverage: $(STAMP) ## The whole suite, measured; fails under the floor (fail_under in pyproject.toml)
	$(BIN)/python -m pytest --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

lint: $(STAMP) ## ruff check and format --check, bandit, the layer contracts, mypy (CI runs it first)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r platform events workers
	$(BIN)/lint-imports --no-logo
	$(BIN)/mypy platform events workers

lock: ## Re-pin requirements.lock from pyproject.toml (LOCK_ARGS=--upgrade for the newest)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	printf 'setuptools>=69\nwheel\n' | $(LOCK_VENV)/bin/uv pip compile pyproject.toml - --extra dev \
		--universal --python-version 3.11 --generate-hashes --custom-compile-command 'make lock' \
		$(LOCK_ARGS) -o requirements.lock

clean: ## Remove the virtualenv and caches (the instance folder stays)
	rm -rf $(VENV) $(LOCK_VENV) .pytest_cache .ruff_cache .mypy_cache .import_linter_cache .coverage .coverage.*

# kubeling: `make up` brings up a local cluster, `make test` runs every test tier.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: setup test unit integration e2e lint up down bench clean

setup:
	@bash hack/setup.sh

test: setup lint
	$(PY) -m pytest -q -p no:cacheprovider tests/unit tests/integration $(PYTEST_ARGS)

unit: setup
	$(PY) -m pytest -q tests/unit $(PYTEST_ARGS)

integration: setup
	$(PY) -m pytest -q tests/integration $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

up: setup
	@bash hack/up.sh

down:
	@bash hack/down.sh

bench: setup
	@s=0; for b in apiserver informer scheduler controllers pod_startup cli; do \
	  echo "== bench/$$b.py"; $(PY) bench/$$b.py || s=1; done; exit $$s

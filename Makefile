# SEND Partnership Dashboard — `make help` lists the targets.
# Two commands do all the set-up on a fresh machine: `make run` and `make test`.

PYTHON   ?= $(shell command -v python3.11 || command -v python3)
VENV     ?= .venv
PY       := $(VENV)/bin/python
HOST     ?= localhost
PORT     ?= 8501
DATA_DIR ?= $(or $(SEND_DATA_DIR),data)
# Published DfE figures for the Benchmarking page: loaded from here by `make run` if it exists
# (otherwise run `python -m etl fetch-published`). Never copied into the repository.
PUBLISHED_DIR ?= ../shared/reference-data
export SEND_DATA_DIR := $(DATA_DIR)

.DEFAULT_GOAL := help
.PHONY: help run demo chromium test lint format docs bench fuzz clean

help: ## Show this list
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-8s %s\n", $$1, $$2}'

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

$(DATA_DIR)/warehouse.duckdb: | $(VENV)/.runtime
	$(PY) -m etl demo --data-dir $(DATA_DIR)

$(DATA_DIR)/published.duckdb: | $(VENV)/.runtime
	@if [ -d "$(PUBLISHED_DIR)" ]; then \
	  $(PY) -m etl load-published "$(PUBLISHED_DIR)" --data-dir $(DATA_DIR); \
	else \
	  echo "No published figures: $(PUBLISHED_DIR) not found. The Benchmarking page will say how to"; \
	  echo "load them (python -m etl fetch-published, or load-published FOLDER)."; \
	fi

run: $(VENV)/.runtime $(DATA_DIR)/warehouse.duckdb $(DATA_DIR)/published.duckdb ## Install, build demo data if there is none, start the dashboard (HOST=, PORT=)
	$(PY) -m streamlit run dashboard.py --server.address $(HOST) --server.port $(PORT) --server.headless true

demo: $(VENV)/.runtime ## Rebuild the synthetic demo data (SEED=, SCALE=la|large|national)
	$(PY) -m etl demo --data-dir $(DATA_DIR) --seed $(or $(SEED),1) --scale $(or $(SCALE),la)

chromium: ## Install Debian's chromium for the browser test, if missing
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian chromium for the browser smoke test"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq chromium >/dev/null; }

test: $(VENV)/.dev chromium ## Install everything, then lint, type-check and run the whole suite
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) -m pytest -n auto

lint: $(VENV)/.dev ## ruff (lint + format check) and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(VENV)/.dev ## Format the code with ruff
	$(VENV)/bin/ruff format .

docs: $(VENV)/.runtime ## Regenerate the generated tables in docs/metrics.md and the README
	$(PY) scripts/generate_docs.py

bench: $(VENV)/.dev ## Benchmark loading at `large` scale against pandas+openpyxl and the bare floor
	$(PY) scripts/benchmark_load.py

fuzz: $(VENV)/.dev ## Fuzz the loader: 1000 seeded hostile inputs (figures: docs/reliability.md)
	$(PY) scripts/fuzz_loader.py --cases 1000

clean: ## Delete generated data and the virtual environment
	rm -rf $(VENV) $(DATA_DIR)/warehouse.duckdb $(DATA_DIR)/published.duckdb $(DATA_DIR)/demo

# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint bench venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

## Install, migrate, load the demo county, print the demo accounts and start the server.
demo: venv
	$(BIN)/yingji demo --host $(HOST) --port $(PORT)

## Lint, then the whole test suite (unit, integration, browser).
test: venv lint
	$(BIN)/python -m pytest -p no:cacheprovider

lint: venv
	$(BIN)/ruff check yingji tests bench
	$(BIN)/mypy yingji
	$(BIN)/lint-imports

bench: venv
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_map.py
	$(BIN)/python bench/bench_ingest.py
	$(BIN)/python bench/bench_rule_memory.py
	$(BIN)/python bench/bench_alarm_latency.py
	$(BIN)/python bench/bench_event_bus.py
	$(BIN)/python bench/bench_mqtt_broker.py
	$(BIN)/python bench/bench_hazmat.py
	$(BIN)/python bench/bench_rollups.py
	$(BIN)/python bench/bench_alarm_stats.py
	$(BIN)/python bench/bench_notify.py
	$(BIN)/python bench/bench_prevention.py
	$(BIN)/python bench/bench_command.py

clean:
	rm -rf $(VENV) var artifacts

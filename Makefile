# The two commands of the README. Works on a fresh machine with Python 3.11, pip and apt.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
DEMO_RATE ?= 0.5
BIN := $(VENV)/bin

.PHONY: run test check bench clean

run: $(VENV)/.installed
	$(BIN)/paseban init --sample
	$(BIN)/paseban serve --port $(PORT) --demo-stream $(DEMO_RATE)

test: $(VENV)/.installed-dev
	scripts/test

check: $(VENV)/.installed-dev
	$(BIN)/ruff check paseban tests scripts bench
	$(BIN)/ruff format --check paseban tests scripts bench
	$(BIN)/mypy

bench: $(VENV)/.installed-dev
	for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

$(VENV)/.installed: pyproject.toml
	PYTHON=$(PYTHON) scripts/venv $(VENV)
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml
	PYTHON=$(PYTHON) scripts/venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

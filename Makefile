# cxdial — every target bootstraps .venv from the pinned lock file first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint bench venv lock clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)  ## start the emulator and run the main job against it
	$(BIN)/cxdial demo

test: $(STAMP)  ## the whole test suite
	$(BIN)/pytest

lint: $(STAMP)  ## ruff + mypy --strict
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy --strict

bench: $(STAMP)  ## print the benchmark figures
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

lock:  ## re-pin the lock file from the current environment
	$(BIN)/pip freeze --exclude-editable | grep -vi '^cxdial' > requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

# cxdial — every target bootstraps .venv from the pinned lock file first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# `make test` runs the suite on pytest-xdist workers: auto = one per core; TEST_WORKERS=0 is serial
TEST_WORKERS ?= auto

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

test: $(STAMP)  ## the whole test suite, in parallel (worksteal evens out the long tests)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal

lint: $(STAMP)  ## ruff + mypy --strict
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy --strict

bench: $(STAMP)  ## print the benchmark figures
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

lock:  ## re-pin the lock file from the current environment
	$(BIN)/pip freeze --exclude-editable | grep -vi '^cxdial' > requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

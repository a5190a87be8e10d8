# Two entry points on a fresh clone: `make demo` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean screenshots

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/statevisa demo serve

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts tools
	$(BIN)/ruff format --check src tests bench scripts tools
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -n 2 -q

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --no-build-isolation -e '.[bench]'
	$(BIN)/python bench/cli.py
	$(BIN)/python bench/rules.py
	$(BIN)/python bench/peers.py
	$(BIN)/python bench/allocation.py
	$(BIN)/python bench/selection.py
	$(BIN)/python bench/selection_cli.py
	$(BIN)/python bench/audit.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/intake.py
	$(BIN)/python bench/web.py

# The dashboard's screenshots in docs/screenshots, from the demo data, in Debian's chromium.
screenshots: $(STAMP)
	STATEVISA_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/web/test_screenshots.py -q

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

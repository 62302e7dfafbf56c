# foedus: `make run` sets up and runs the main job; `make test` sets up and runs all tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV_VERSION := 0.13.9
UV := $(BIN)/uv

.PHONY: install browser run test lint bench lock clean docs docs-serve docs-deps

# Reproducible set-up: uv (from PyPI) installs exactly the versions in requirements.lock, with progress.
$(STAMP): pyproject.toml requirements.lock
	@echo "== setting up $(VENV) from requirements.lock with uv $(UV_VERSION)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check --quiet uv==$(UV_VERSION)
	$(UV) pip sync --compile-bytecode --python $(BIN)/python requirements.lock
	$(UV) pip install --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

# Re-resolve the lock file after a change of dependencies in pyproject.toml.
lock:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check --quiet uv==$(UV_VERSION)
	$(UV) pip compile pyproject.toml --all-extras --python-version 3.11 -o requirements.lock

install: $(STAMP)

# Debian's Chromium and ChromeDriver, for the end-to-end browser tests (Playwright drives /usr/bin/chromium).
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	fi

run: $(STAMP)
	$(BIN)/foedus data import
	$(BIN)/foedus briefing
	$(BIN)/foedus serve --host 127.0.0.1 --port 8000

test: $(STAMP) browser
	$(BIN)/ruff check src tests $(wildcard benchmarks)
	$(BIN)/pytest -q

bench: $(STAMP)
	for f in benchmarks/bench_*.py; do $(BIN)/python $$f; done

# Documentation (docs/, mkdocs.yml): the docs extra, then the site into site/ (offline: no external fonts or scripts).
DOCS_ENV := NO_MKDOCS_2_WARNING=1 DISABLE_MKDOCS_2_WARNING=true
docs-deps: $(STAMP)
	$(UV) pip install --python $(BIN)/python -e '.[docs]'

docs: docs-deps
	$(DOCS_ENV) $(BIN)/mkdocs build --strict

docs-serve: docs-deps
	$(DOCS_ENV) $(BIN)/mkdocs serve --strict -a 127.0.0.1:8001

clean:
	rm -rf $(VENV) build site *.egg-info src/*.egg-info

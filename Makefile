# foedus: `make run` sets up and runs the main job; `make test` sets up and runs all tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install browser run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

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

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info

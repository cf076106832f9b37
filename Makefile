# Variorum: `make demo` runs the main job on the bundled examples, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM_STAMP := $(VENV)/.chromium

.PHONY: demo test install bench screenshots clean lock

# the ranges are in pyproject.toml; the exact versions installed here and in CI are in requirements.lock
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian's chromium for the browser tests (Playwright never downloads a browser); sudo only when not root.
$(CHROMIUM_STAMP): | $(STAMP)
	test -x /usr/bin/chromium || { SUDO=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }
	touch $@

demo: $(STAMP)
	$(BIN)/variorum diff examples/000_3bf7e90de235531e.txt examples/001_cb855800afc0d414.txt; \
	status=$$?; [ $$status -le 1 ] || exit $$status

test: $(STAMP) $(CHROMIUM_STAMP)
	$(BIN)/mypy
	$(BIN)/ruff check src
	$(BIN)/python -m pytest -q -n auto

# refresh the README's screenshots (docs/screenshots/) from the browser tests
screenshots: $(STAMP) $(CHROMIUM_STAMP)
	VARIORUM_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/test_web_browser.py

bench: $(STAMP)
	$(BIN)/python bench/compare.py

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache

# resolve the newest versions pyproject.toml allows in a scratch venv and write them to requirements.lock
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet -e '.[dev]'
	{ echo "# The exact set of packages 'make' and CI install (pip install -c requirements.lock -e '.[dev]')."; \
	  echo "# Regenerate with 'make lock' after changing the ranges in pyproject.toml."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | grep -viE '^(pip|setuptools|wheel)=='; } > requirements.lock
	rm -rf .lock-venv

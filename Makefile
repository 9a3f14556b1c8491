# The two set-up commands (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB ?= storyweave-demo.db

# Stamp files record that an install ran; make re-runs pip only when pyproject.toml is newer.
INSTALLED := $(VENV)/.installed
INSTALLED_TEST := $(VENV)/.installed-test

.PHONY: demo test install install-test browser postgresql lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(INSTALLED_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,kb,postgresql,ray]'
	touch $@ $(INSTALLED)

install: $(INSTALLED)

install-test: $(INSTALLED_TEST) browser postgresql

# Debian's Chromium drives the web UI tests (Playwright with executablePath=/usr/bin/chromium).
browser:
	@command -v /usr/bin/chromium >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Debian's PostgreSQL server programs (initdb, pg_ctl, pg_dump): tests/pgserver.py starts a throwaway
# server from them for the PostgreSQL store's tests.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq postgresql >/dev/null; }

## Ingest the bundled example articles into $(DEMO_DB), show what was found, then serve it.
demo: install
	HF_HUB_OFFLINE=1 $(BIN)/storyweave --db $(DEMO_DB) demo

lint: install-test
	$(BIN)/ruff check storyweave tests benchmarks scripts
	$(BIN)/mypy storyweave

## Lint, type-check and run the whole test suite.
test: lint
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q

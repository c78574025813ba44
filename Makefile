# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
# On SQLite the PostgreSQL-only tests are left out; they run in the PostgreSQL pass (TEST_DATABASE_URL set).
PYTEST_MARKERS := $(if $(TEST_DATABASE_URL),,-m "not postgresql")
# axe-core for the browser journeys, pinned in package-lock.json.
AXE := tests/e2e/node_modules/axe-core/axe.min.js
# Debian's Chromium drives the browser journeys; Playwright never downloads a browser of its own.
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: install run test e2e bench lint clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo --credentials-file instance/demo-staff.txt
	./scripts/run-dev.sh

$(AXE): tests/e2e/package.json tests/e2e/package-lock.json
	npm ci --prefix tests/e2e --no-audit --no-fund
	touch $@

$(CHROMIUM):
	$(SUDO) apt-get update -q
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium

test: install $(AXE) $(CHROMIUM)
	$(BIN)/python -m pytest $(PYTEST_MARKERS) $(PYTEST_ARGS)

# Only the browser journeys. Screenshots: test-artifacts/.
e2e: install $(AXE) $(CHROMIUM)
	$(BIN)/python -m pytest -m e2e $(PYTEST_ARGS)

# The load benchmark (needs wrk: apt-get install wrk). Not part of `make test`.
bench: install
	$(BIN)/python -m bench.load_http $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) instance/alerts.sqlite3 .pytest_cache tests/e2e/node_modules test-artifacts

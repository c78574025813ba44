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

# The lock: requirements*.in hold the top-level pins; `make lock` compiles them into requirements*.txt with
# every transitive dependency and its hashes, resolved against PyPI alone (this machine's pip settings are ignored, so
# the lock is the same everywhere). Point LOCK_INDEX at a mirror to lock without PyPI. Existing pins are kept unless
# an .in file asks otherwise; `make lock LOCK_ARGS=--upgrade` moves every unpinned transitive dependency forward.
LOCK_INDEX ?= https://pypi.org/simple
PIP_COMPILE := env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null $(BIN)/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links --index-url $(LOCK_INDEX) $(LOCK_ARGS)

.PHONY: install run test e2e bench lint lock audit clean translations

install: $(VENV)/.installed

# Installs exactly the lock: every package pinned and checked against its hash, nothing resolved at install time.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-dev.txt
	touch $@

lock:
	test -x $(BIN)/pip-compile || $(BIN)/python -m pip install --quiet pip-tools
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

# Known vulnerabilities in the locked packages (pip-audit, PyPI's advisory database). Skipped with a message when the
# database cannot be reached; fails on any finding.
audit: install
	$(BIN)/python scripts/audit_dependencies.py

# Production is the default ALERTS_ENV; `make run` is the one place that asks for development.
# `make run PORT=5400` serves on another port; links in messages (BASE_URL, when unset) follow it.
PORT ?= 5000
run: export ALERTS_ENV = development
run: export PORT := $(PORT)
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

# The Welsh catalogue: finds every translatable text (babel.cfg), adds the new ones to the .po file for a
# translator, and compiles the .mo the app reads. Commit both; tests/test_translations.py checks nothing is missing.
translations: install
	$(BIN)/python scripts/translations.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) instance/alerts.sqlite3 .pytest_cache tests/e2e/node_modules test-artifacts

# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
# On SQLite the PostgreSQL-only tests are left out; they run in the PostgreSQL pass (TEST_DATABASE_URL set).
PYTEST_MARKERS := $(if $(TEST_DATABASE_URL),,-m "not postgresql")

.PHONY: install run test lint clean

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

test: install
	$(BIN)/python -m pytest $(PYTEST_MARKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) instance/alerts.sqlite3 .pytest_cache

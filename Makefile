# The README's two commands: `make run` and `make test`.
VENV   := .venv
BIN    := $(VENV)/bin
PYTHON ?= python3
export FLASK_APP := wsgi.py

.PHONY: run test quality fix venv-run venv-test test-sqlite test-postgres

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.run-installed

venv-run: $(VENV)/.run-installed
venv-test: $(VENV)/.test-installed

## make run: embedded SQLite instance with demonstration data on http://127.0.0.1:8000
## (server settings in gunicorn.conf.py; PORTAL_BIND changes the address); gunicorn starts
## the exports worker (flask jobs-worker) beside itself and stops it on exit
run: venv-run
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	@echo ""
	@echo "  Passerelle : http://$${PORTAL_BIND:-127.0.0.1:8000}"
	@$(BIN)/flask demo-logins
	@echo ""
	PORTAL_EMBEDDED_WORKER=1 $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

## make quality: linters and formatters in check mode
quality: venv-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint --check templates
	$(BIN)/djlint --lint templates

## make fix: apply the formatters
fix: venv-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint --reformat templates

## make test: quality, then the whole suite on SQLite, then on PostgreSQL if configured
test: quality test-sqlite test-postgres

# One pytest-xdist worker per core (TEST_JOBS=0 runs in one process); on PostgreSQL each
# worker gets its own database, <name>_gw0, <name>_gw1… (tests/conftest.py).
TEST_JOBS ?= auto

test-sqlite: venv-test
	PORTAL_TEST_BACKEND=sqlite $(BIN)/pytest -n $(TEST_JOBS)

# What reads no database, or drives the pages as a user does, runs once (in the SQLite
# pass): the pure rules and formatting, the vendored files, and the browser journeys, whose
# server code the PostgreSQL pass covers through every page's route tests.
BACKEND_FREE = --ignore=tests/browser --ignore=tests/rules --ignore=tests/test_french.py \
	--ignore=tests/test_formatting.py --ignore=tests/test_vendor.py --ignore=tests/test_facturx.py

test-postgres: venv-test
	@if [ -n "$$PORTAL_TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL: $$PORTAL_TEST_DATABASE_URL"; \
		PORTAL_TEST_BACKEND=postgres $(BIN)/pytest -n $(TEST_JOBS) $(BACKEND_FREE); \
	else \
		echo ""; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		echo "!! PostgreSQL pass NOT RUN: PORTAL_TEST_DATABASE_URL is not set."; \
		echo "!! The concurrency tests (gapless DEV/FAC numbers under racing submissions)"; \
		echo "!! ran on SQLite only, which serialises every writer: there they pass even"; \
		echo "!! against a broken counter. Only PostgreSQL proves them. To run it:"; \
		echo "!!   psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE passerelle_test'"; \
		echo "!!   PORTAL_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/passerelle_test make test"; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	fi

# Fondsportaal: the two commands of the README, and their parts.
#   make run    install everything, migrate, seed demo data, start http://127.0.0.1:5000
#   make test   install everything, run the whole test suite (SQLite; PostgreSQL too when
#               TEST_DATABASE_URL is set)
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := run

.PHONY: run test setup browser-test bench-quick translations clean

$(BIN)/activate: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(BIN)/activate

setup: $(BIN)/activate
	$(BIN)/python scripts/i18n.py compile

run: setup
	FONDS_ENV=development $(BIN)/flask db upgrade
	FONDS_ENV=development $(BIN)/flask roles sync
	FONDS_ENV=development $(BIN)/flask demo seed
	FONDS_ENV=development $(BIN)/python run.py

test: setup
	$(BIN)/python scripts/i18n.py check
	$(BIN)/python -m pytest -n 2 -m "not browser" $(PYTEST_ARGS)

browser-test: setup
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

bench-quick: setup
	$(BIN)/python -m bench.run --quick

.PHONY: bench-users
bench-users: setup
	$(BIN)/python -m bench.users $(BENCH_USERS_ARGS)

translations: $(BIN)/activate
	$(BIN)/python scripts/i18n.py update

clean:
	rm -rf $(VENV) instance

# Digital-Check: `make run` serves the app on http://127.0.0.1:5000, `make test` runs every check.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PO_FILES := $(wildcard assessment/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test lint format clean translations extract bench loadtest lock screenshots

run: $(STAMP) translations
	$(BIN)/flask questionnaire check questionnaires/*.yaml
	$(BIN)/flask --app wsgi db upgrade
# Sample firms and a demo advisor in development; `flask demo seed` refuses production anyway.
	@if [ "$${DIGITALCHECK_ENV:-development}" = development ]; then $(BIN)/flask --app wsgi demo seed; fi
	@echo "Digital-Check: open http://127.0.0.1:5000 (stop with Ctrl+C)"
# E-mail is delivered by a worker beside the server: without MAIL_HOST, as .eml files in instance/mail/.
	@$(BIN)/flask --app wsgi mail deliver --watch & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask --app wsgi run --host 127.0.0.1 --port 5000

# The whole suite on SQLite, then again on a PostgreSQL server the tests start (tests/postgres.py).
test: $(STAMP) translations lint
	$(BIN)/python -m pytest
	DIGITALCHECK_TEST_DATABASE=postgresql $(BIN)/python -m pytest

# Every page at 1280 and 390 px, and the sample firm's PDF page by page, as PNG files under
# build/test-output/screenshots/ for a person to look at (the browser suite writes them too).
screenshots: $(STAMP) translations
	$(BIN)/python -m pytest tests/browser tests/report/test_report.py::test_pdf_pages_are_written_as_images

translations: $(STAMP) $(MO_FILES)

assessment/translations/%/LC_MESSAGES/messages.mo: assessment/translations/%/LC_MESSAGES/messages.po
	$(BIN)/pybabel compile --statistics -i $< -o $@

# Collect every translatable string into the catalogue and merge it into each language.
extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -o assessment/translations/messages.pot --no-location --sort-output assessment templates
	$(BIN)/pybabel update -i assessment/translations/messages.pot -d assessment/translations --no-fuzzy-matching --ignore-obsolete

# Speed of the report under gunicorn on 127.0.0.1 (a few minutes); see BENCHMARKS.md.
bench: $(STAMP) translations
	$(BIN)/python -m bench.run --json bench/results.json

# No answer lost: 50 respondents for a minute under gunicorn (3 workers) on SQLite and on a
# PostgreSQL server started for the run, each time also with workers killed on the way (SIGKILL).
loadtest: $(STAMP) translations
	$(BIN)/python -m bench.loadtest --database sqlite
	$(BIN)/python -m bench.loadtest --database sqlite --kill
	$(BIN)/python -m bench.loadtest --database postgresql
	$(BIN)/python -m bench.loadtest --database postgresql --kill

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -c pyproject.toml -r assessment

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Everything is installed from the committed lock (requirements/*.txt, pinned with hashes), so a
# fresh clone gets exactly what was tested; the project itself goes in without its dependencies.
# The lock holds every dependency, so pip installs its lines without resolving again (--no-deps:
# an older pip would look past a pin for a dependency asked for with extras), then checks them.
$(STAMP): setup.cfg pyproject.toml requirements/dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/dev.txt
	$(BIN)/python -m pip check
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# Pin setup.cfg's dependencies (and what builds the project) anew, keeping the current pins that
# still fit; `make lock UPGRADE=1` takes the newest releases setup.cfg allows instead.
LOCK := $(BIN)/uv pip compile setup.cfg requirements/build.in --quiet --generate-hashes --universal \
	--python-version 3.11 --custom-compile-command "make lock"
lock: $(STAMP)
	$(LOCK) --extra dev $(if $(UPGRADE),--upgrade) $(LOCK_ARGS) -o requirements/dev.txt
	$(LOCK) --constraint requirements/dev.txt -o requirements/main.txt

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .hypothesis

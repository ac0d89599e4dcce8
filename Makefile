# Two commands: `make run` and `make test`. Everything else is for developers and CI.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := DEBUG=true $(PY) manage.py
PYTEST_ARGS ?=

.PHONY: run test install messages check-messages lint parity bench-counting clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(MANAGE) compile_translations
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo --once
	$(MANAGE) build_demo_tiles
	$(MANAGE) runserver 127.0.0.1:8000

# The parallel part, then the browser tests one after another (two browser workers at
# once stalled: a known problem, see the closing notes) and those marked `alone`.
# TEST_MARKS narrows both (e.g. 'not browser'); the second part may then select nothing (5).
TEST_MARKS ?=
only_marks = $(if $(TEST_MARKS), and ($(TEST_MARKS)))
test: install
	$(MANAGE) compile_translations
	$(PY) -m pytest -n auto -m "not (browser or alone)$(only_marks)" $(PYTEST_ARGS)
	$(PY) -m pytest -m "(browser or alone)$(only_marks)" $(PYTEST_ARGS) || test $$? -eq 5

# mypy's django-stubs plugin loads the settings, which want DEBUG or a full configuration.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/djlint shaar --lint
	DEBUG=true $(VENV)/bin/mypy shaar
	$(MANAGE) makemigrations --check --dry-run

# Regenerate the catalogues after changing strings (needs gettext's xgettext), one per app.
messages: install
	for dir in shaar/*/locale; do (cd $$dir/.. && DEBUG=true ../../$(PY) ../../manage.py makemessages -l ky -l ru -l en --no-obsolete --no-location --ignore 'static/vendor/*'); done

parity: install
	$(PY) bench/parity.py

bench-counting: install
	$(PY) bench/counting.py

clean:
	rm -rf $(VENV) var

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

# One run on every core; the browser tests keep to one worker, one after another (conftest).
# TEST_MARKS narrows it (e.g. 'not browser').
TEST_MARKS ?=
test: install
	$(MANAGE) compile_translations
	$(PY) -m pytest -n auto --dist loadgroup $(if $(TEST_MARKS),-m "$(TEST_MARKS)") $(PYTEST_ARGS)

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

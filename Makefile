# Jamaa: the two commands a newcomer needs are `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PORT   ?= 8000

.PHONY: run test bench stop lint messages system-deps test-deps venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

# Debian packages (Pango for WeasyPrint, gettext; for the tests also Chromium and poppler), only when missing.
system-deps:
	@bash infra/dev/system-deps.sh run

test-deps:
	@bash infra/dev/system-deps.sh test

# compilemessages runs without Django settings: it must not start embedded services that nothing would stop.
run: venv system-deps
	$(VENV)/bin/django-admin compilemessages --ignore '.venv' -v 0
	$(PY) manage.py run_platform --port $(PORT)

test: venv test-deps
	$(VENV)/bin/django-admin compilemessages --ignore '.venv' -v 0
	$(PY) -m pytest $(PYTEST_ARGS)

bench: venv
	@bash infra/dev/bench-deps.sh
	$(PY) -m benchmarks $(if $(ONLY),--only $(ONLY))

stop: venv
	$(PY) -m platform_core.embedded stop

lint: venv
	$(VENV)/bin/ruff check .

messages: venv
	$(PY) manage.py makemessages -l ar -l fr --ignore '.venv/*' --ignore 'tests/*' --ignore 'benchmarks/*'
	$(PY) manage.py compilemessages --ignore '.venv'

# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run serve test setup lint messages bench

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund

setup: $(STAMP) node_modules/.package-lock.json

## Set up and serve the portal on http://127.0.0.1:8000 (SQLite, demo data), with a Celery worker and
## beat beside it on a broker folder (no Redis needed): emails and the periodic jobs run (README, "Demo").
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho --no-colour -f deploy/Procfile.embedded -d . start

## The production profile on this machine: gunicorn (deploy/gunicorn.conf.py), a worker and beat, behind the
## reverse proxy of deploy/nginx/portal.conf. Needs the environment of deploy/portal.env.example (README,
## "Production"); on several machines use the systemd units of deploy/systemd/.
serve: setup
	$(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho --no-colour -f deploy/Procfile -d . start

## Set up and run the whole test suite (both cores). Locally the test databases are kept between runs
## (--reuse-db applies new migrations to them); CI passes PYTEST_ARGS=--create-db.
PYTEST_ARGS ?= --reuse-db
test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

messages: setup
	$(PY) manage.py makemessages -l en --no-obsolete --ignore='.venv/*' --ignore='node_modules/*' --ignore='tests/*' --ignore='var/*'
	$(PY) manage.py compilemessages --ignore='.venv/*'

bench: setup
	$(PY) manage.py bench

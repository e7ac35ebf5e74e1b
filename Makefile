# The two commands of the README: `make run` and `make test`. Everything else is a step they share.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app app
HOST   ?= 127.0.0.1
PORT   ?= 5000
WORKERS ?= 3

.PHONY: run dev test test-sqlite test-postgres setup assets translations db lint bench bench-http messages system-deps

# The worker (`flask jobs loop`: e-mail, the daily digest) runs beside gunicorn and is stopped
# with it; without MAIL_SERVER it writes each e-mail to its log (this terminal) instead.
run: setup db
	$(FLASK) jobs loop & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/gunicorn --config gunicorn.conf.py --workers $(WORKERS) --bind $(HOST):$(PORT) app:app

dev: setup db
	$(FLASK) run --debug --host $(HOST) --port $(PORT)

test: setup db .make/test-deps
	$(BIN)/ruff check .
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite:
	$(BIN)/pytest

# PostgreSQL run: required in CI (CI=true), skipped with a message elsewhere when no server answers.
test-postgres:
	@if $(BIN)/python -m tests.pg_available; then \
		TEST_DB=postgres $(BIN)/pytest; \
	elif [ "$$CI" = "true" ]; then \
		echo "CI requires PostgreSQL (TEST_DATABASE_URL) and none answers"; exit 1; \
	else \
		echo "PostgreSQL does not answer: the suite ran on SQLite only"; \
	fi

setup: system-deps $(VENV)/.installed assets translations

# Debian packages beyond pip and npm: Pango (WeasyPrint draws the printed directives with it) and
# Liberation Serif (Times New Roman's metrics, every Vietnamese letter). Installed as root;
# otherwise the command is printed. Without them everything runs but the PDF, which answers a
# page saying so.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation2
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then echo "system packages: all installed"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	else echo "missing Debian packages; as root run: apt-get install$$missing"; fi

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

.make/test-deps: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	mkdir -p .make && touch $@

assets: static/vendor/.installed static/dist/manifest.json

# Content-hashed copies of static/ with their gzip and Brotli forms (district/assets.py): served
# by WhiteNoise with a year's immutable cache; a changed file gets a new name.
static/dist/manifest.json: $(VENV)/.installed static/vendor/.installed $(filter-out static/dist/%,$(shell find static -type f -not -name '.*' -not -name '*.gz' -not -name '*.br'))
	$(BIN)/python -c 'import district.assets as a; a.main()'
	touch $@

static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	cp node_modules/@picocss/pico/css/pico.min.css static/vendor/pico.min.css
	touch $@

# One catalogue per feature under translations/<feature>/; compiled .mo files are not committed.
translations: $(VENV)/.installed
	@for d in translations/*/; do $(BIN)/pybabel compile --statistics -d $$d || exit 1; done

# Extract the strings of one feature and merge them into its English catalogue: make messages FEATURE=core
messages: $(VENV)/.installed
	$(BIN)/python -m district.i18n_tools $(FEATURE)

# Apply pending migrations, then load the demo district if the database is empty.
db: $(VENV)/.installed
	$(FLASK) init-db
	$(FLASK) seed --if-empty

lint: .make/test-deps
	$(BIN)/ruff check .

bench: setup .make/test-deps
	$(BIN)/python -m bench.run

# Pages under load (wrk) behind gunicorn, against a bare Flask page: the province on PostgreSQL
# (BENCH_DATABASE_URL), or BENCH_SCALE=district on SQLite. See bench/http.py.
bench-http: setup .make/test-deps
	@command -v wrk >/dev/null 2>&1 || { echo "make bench-http needs wrk (Debian: apt-get install wrk)"; exit 1; }
	$(BIN)/python -m bench.http

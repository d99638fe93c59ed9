# Two commands for a fresh machine:  `make demo` (run the platform) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000

.PHONY: demo test test-fast check lint lock browser-deps docs-deps bench clean messages

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP) docs-deps
	DEBUG=true $(BIN)/phaseout migrate --no-input
	DEBUG=true $(BIN)/phaseout load_reference
	DEBUG=true $(BIN)/phaseout demo
	DEBUG=true $(BIN)/phaseout runserver $(HOST)

# Browser tests drive Debian's Chromium; install it (and CJK fonts) when missing.
browser-deps:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk $(DOCS_PACKAGES) >/dev/null; }

# Official documents: WeasyPrint renders the PDFs with Pango (dlopened) and the Noto CJK fonts.
DOCS_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk
docs-deps: $(STAMP)
	@{ $(BIN)/python -c 'import weasyprint' >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi 'Noto Serif CJK'; } || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DOCS_PACKAGES) >/dev/null; }

test: $(STAMP) browser-deps docs-deps
	$(BIN)/pytest

test-fast: $(STAMP)
	$(BIN)/pytest -m "not browser and not fuzz"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/phaseout makemigrations --check --dry-run

bench: $(STAMP)
	$(BIN)/phaseout bench registry

lock:
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements.lock

messages: $(STAMP)
	$(BIN)/phaseout makemessages --no-obsolete -l zh_Hans -l en --ignore '.venv/*' --ignore 'var/*'
	$(BIN)/phaseout compilemessages --ignore '.venv/*'

clean:
	rm -rf var/phaseout.sqlite3* var/media

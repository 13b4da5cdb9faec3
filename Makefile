# The two commands of README.md: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
STAMP  := $(VENV)/.installed

.PHONY: run test install translations clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Compile the message catalogues (the .mo files are committed too; a test checks they match).
translations: $(STAMP)
	$(BIN)/pybabel compile -d sharing/translations -D messages >/dev/null

run: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	@echo "\nServing on http://127.0.0.1:5000  (Ctrl-C stops)"
	$(FLASK) run --host 127.0.0.1 --port 5000

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache

# make run  - set up .venv (if needed) and run the main job on the built-in scenario
# make test - set up .venv with the dev extras and run the test suite
# make docs - regenerate the generated numbers in docs/ (model.md, validation.md, bargaining.md, forecasting.md)
# make constraints - rewrite constraints.txt from .venv (pip freeze) after the tests passed with it
#
# Both installs take the exact versions in constraints.txt, the ones the tests last passed with,
# so a fresh machine gets what CI tested; pyproject.toml keeps the ranges brink supports.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SCENARIO ?= iran-2024

.PHONY: run test docs setup setup-dev clean constraints

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files make both targets idempotent: reinstall only when pyproject or the constraints change.
$(VENV)/.stamp-run: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.stamp-dev: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@ $(VENV)/.stamp-run

setup: $(VENV)/.stamp-run
setup-dev: $(VENV)/.stamp-dev

run: setup
	$(BIN)/brink run $(SCENARIO)

test: setup-dev
	$(BIN)/python -m pytest -q

docs: setup-dev
	$(BIN)/python docs/gen/model_doc.py docs/model.md
	$(BIN)/python docs/gen/validation_doc.py docs/validation.md
	$(BIN)/python docs/gen/bargaining_doc.py docs/bargaining.md
	$(BIN)/python docs/gen/forecasting_doc.py docs/forecasting.md

constraints: setup-dev
	$(BIN)/python -m pip freeze --exclude-editable > constraints.txt

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache

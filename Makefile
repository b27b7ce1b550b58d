# The two commands in the README: `make demo` and `make test` (and `make figures`, which
# redraws the README's committed figures in docs/).
# Each creates .venv with the interpreter below when it is missing and
# (re)installs the package when pyproject.toml changed.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: demo figures test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[test]'
	touch $@ $(VENV)/.installed-run

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[test,bench]'
	touch $@ $(VENV)/.installed-test $(VENV)/.installed-run

demo: $(VENV)/.installed-run
	@mkdir -p out
	$(BIN)/forecast when examples/team.csv --items 40 --start 2024-06-03 --target 2024-07-15 --plot out/when.png
	$(BIN)/forecast when examples/team.csv --items 40 --start 2024-06-03 --target 2024-07-15 --plot out/burnup.png --plot-kind burnup --output out/when.txt
	$(BIN)/forecast how-many examples/team.csv --by 2024-06-28 --start 2024-06-03 --plot out/how-many.png
	$(BIN)/forecast when examples/team.csv --items 40 --start 2024-06-03 --target 2024-07-15 --format csv --output out/when.csv
	$(BIN)/forecast how-many examples/team.csv --by 2024-06-28 --start 2024-06-03 --format json --output out/how-many.json
	$(BIN)/forecast when examples/team.csv --items 40 --start 2024-06-03 --engine mc --trials 100000 --format csv --output out/when-mc.csv
	$(BIN)/forecast plan examples/portfolio.toml --plot out/plan.png
	$(BIN)/forecast plan examples/portfolio.toml --format csv --output out/plan.csv --distribution out/plan-by-date.csv
	$(BIN)/forecast plan examples/portfolio.toml --format json --output out/plan.json
	$(BIN)/forecast check examples/team.csv --start 2024-06-03 --plot out/throughput.png
	$(BIN)/forecast backtest examples/team.csv --plot out/reliability.png
	$(BIN)/forecast report examples/portfolio.toml --output out/report.html
	@echo "demo outputs are in out/: when.png burnup.png when.txt how-many.png when.csv how-many.json when-mc.csv plan.png plan.csv plan-by-date.csv plan.json throughput.png reliability.png report.html"

# The figures the README shows, drawn from the example data (commit them after a change).
figures: $(VENV)/.installed-run
	@mkdir -p docs
	$(BIN)/forecast when examples/team.csv --items 40 --start 2024-06-03 --target 2024-07-15 --plot docs/burnup.png --plot-kind burnup >/dev/null
	$(BIN)/forecast plan examples/portfolio.toml --plot docs/portfolio.png >/dev/null

# ruff first (seconds), then mypy, then the tests (minutes): CI runs `make test`, so a lint
# or type error fails it as a failing test does.
test: $(VENV)/.installed-test
	$(BIN)/ruff check forecast tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: $(VENV)/.installed-bench
	$(BIN)/python -m pytest benchmarks -p no:randomly --benchmark-only --benchmark-columns=min,median,mean,rounds

lint: $(VENV)/.installed-test
	$(BIN)/ruff check forecast tests benchmarks
	$(BIN)/mypy

clean:
	rm -rf $(VENV) out .pytest_cache .benchmarks

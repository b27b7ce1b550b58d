"""Every public docstring example runs, and every public function has one."""

import doctest
import importlib
import inspect

import pytest

MODULES = ["forecast", "forecast.calendar", "forecast.io", "forecast.history", "forecast.exact",
           "forecast.result", "forecast.questions", "forecast.simulate", "forecast.plot",
           "forecast.importers", "forecast.report"]

EXAMPLES_ONLY = ["forecast.signals", "forecast.backtest", "forecast.records"]
"""Modules whose examples run here, though not every public class has a numpydoc section."""


@pytest.mark.parametrize("name", MODULES + EXAMPLES_ONLY)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    failures, tried = doctest.testmod(module, optionflags=flags)
    assert failures == 0 and tried > 0


@pytest.mark.parametrize("name", MODULES[1:])
def test_public_functions_have_numpydoc_examples(name):
    module = importlib.import_module(name)
    for attr in getattr(module, "__all__", []):
        obj = getattr(module, attr)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            doc = inspect.getdoc(obj) or ""
            assert "Examples\n--------" in doc or "Attributes\n----------" in doc, (name, attr)


def test_plot_closes(tmp_path):
    import matplotlib.pyplot as plt

    plt.close("all")


def test_readme_documents_the_csv_columns():
    """The README's table of CSV columns is the constants the program writes."""
    import pathlib
    import re

    from forecast.result import (
        DISTRIBUTION_COLUMNS,
        HOW_MANY_COLUMNS,
        PLAN_COLUMNS,
        WHEN_COLUMNS,
    )

    readme = (pathlib.Path(__file__).parents[1] / "README.md").read_text()
    section = readme.split("## Output columns", 1)[1].split("\n## ", 1)[0]
    table = {}
    for first, second in re.findall(r"^\| (`[^|]+) \| `([^|`]+)` \|$", section, flags=re.M):
        table[first.split("`")[1]] = tuple(c.strip() for c in second.split(","))
    assert table == {
        "when": WHEN_COLUMNS,
        "how-many": HOW_MANY_COLUMNS,
        "plan": PLAN_COLUMNS,
        "--distribution": DISTRIBUTION_COLUMNS,
    }

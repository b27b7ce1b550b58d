"""Every public docstring example runs, and every public function has one."""

import doctest
import importlib
import inspect

import pytest


def _modules():
    """Every module of the package, found by walking it (a new module is covered at once)."""
    import pkgutil

    import forecast

    names = ["forecast"]
    for info in pkgutil.walk_packages(forecast.__path__, "forecast."):
        if info.name != "forecast.__main__":
            names.append(info.name)
    return sorted(names)


ALL_MODULES = _modules()

EXAMPLES_ONLY = ["forecast.evaluation.signals", "forecast.evaluation.backtest",
                 "forecast.exceptions", "forecast.io.records"]
"""Modules whose examples run here, though not every public class has a numpydoc section."""

MODULES = [m for m in ALL_MODULES if m not in EXAMPLES_ONLY]


@pytest.mark.parametrize("name", ALL_MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    failures, tried = doctest.testmod(module, optionflags=flags)
    assert failures == 0
    public = [a for a in getattr(module, "__all__", [])
              if getattr(getattr(module, a), "__module__", None) == name]
    assert tried > 0 or not public, f"{name} has public names but no example runs"


@pytest.mark.parametrize("name", MODULES[1:])
def test_public_functions_have_numpydoc_examples(name):
    module = importlib.import_module(name)
    for attr in getattr(module, "__all__", []):
        obj = getattr(module, attr)
        if getattr(obj, "__module__", name) != name:
            continue  # a re-export: checked in the module that defines it
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

    from forecast.results.forecast import HOW_MANY_COLUMNS, WHEN_COLUMNS
    from forecast.results.plan import PLAN_COLUMNS
    from forecast.results.stats import DISTRIBUTION_COLUMNS

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

"""Every public docstring example runs, and every public function has one."""

import doctest
import importlib
import inspect

import pytest

MODULES = ["forecast", "forecast.calendar", "forecast.io", "forecast.history", "forecast.exact",
           "forecast.result", "forecast.questions", "forecast.simulate", "forecast.plot"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    failures, _ = doctest.testmod(module, optionflags=flags)
    assert failures == 0


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

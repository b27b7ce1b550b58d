import datetime as dt
import os
import pathlib
import sys

import numpy as np
import pytest

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE))  # so tests can `import naive`
os.chdir(HERE.parent)  # paths in tests and in the README are relative to the repository

DATA = HERE / "data"


@pytest.fixture
def run():
    """Invoke the command line in-process: ``run("when", path, "--items", 40)``."""
    from tests.cli_helpers import invoke

    return invoke


@pytest.fixture(scope="session")
def data_dir():
    return DATA


@pytest.fixture(scope="session")
def ado_history():
    import forecast

    return forecast.read_history(DATA / "ado-flowmetrics.csv")


def write_csv(path, header, rows):
    lines = [",".join(header)] + [",".join(str(c) for c in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def daily(first, counts, calendar="all"):
    """A History with counts[i] items on day first + i (calendar 'all' by default)."""
    import forecast

    start = np.datetime64(first, "D")
    dates = start + np.arange(len(counts))
    return forecast.History.from_counts(dates, counts, calendar=calendar)


D = dt.date

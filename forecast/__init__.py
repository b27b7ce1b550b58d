"""forecast: when will it be done? Honest delivery forecasts from a team's own history.

The public API is loaded lazily, so that ``import forecast`` (and the
command line's ``--help``) stays fast and never imports numba.

Examples
--------
>>> import forecast
>>> history = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [3, 1])
>>> forecast.when(history, 8, start="2024-06-05").percentile(85).date
datetime.date(2024, 6, 12)
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "when": "forecast.questions",
    "how_many": "forecast.questions",
    "read_history": "forecast.io",
    "plan": "forecast.portfolio",
    "read_portfolio": "forecast.portfolio",
    "read_outcomes_csv": "forecast.portfolio",
    "Portfolio": "forecast.model",
    "Team": "forecast.model",
    "Outcome": "forecast.model",
    "Part": "forecast.model",
    "Size": "forecast.model",
    "Risk": "forecast.model",
    "CapacityRange": "forecast.model",
    "PlanResult": "forecast.result",
    "check": "forecast.signals",
    "record": "forecast.records",
    "trend": "forecast.records",
    "History": "forecast.history",
    "Sample": "forecast.history",
    "Calendar": "forecast.calendar",
    "WhenForecast": "forecast.result",
    "HowManyForecast": "forecast.result",
    "Percentile": "forecast.result",
    "ForecastError": "forecast.exceptions",
    "ForecastWarning": "forecast.exceptions",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    if name == "plot":  # the plotting module, so that forecast.plot.when(...) works
        return importlib.import_module("forecast.plot")
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'forecast' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__

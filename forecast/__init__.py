"""forecast: when will it be done? Honest delivery forecasts from a team's own history.

The public API is loaded lazily, so that ``import forecast`` (and the
command line's ``--help``) stays fast and never imports numba.

Examples
--------
>>> import forecast
>>> history = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [3, 1])
>>> forecast.when(history, 8, start="2024-06-05").percentile(85).date
datetime.date(2024, 6, 13)
"""

from __future__ import annotations

import importlib  # (loaded by Python's start-up already, as site uses it)

# typing is not imported at run time: the console script imports this package before
# forecast.cli can answer a Ctrl-C, a window kept as short as can be.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "when": "forecast.forecasting.questions",
    "how_many": "forecast.forecasting.questions",
    "read_history": "forecast.io.readers",
    "plan": "forecast.forecasting.plan",
    "read_portfolio": "forecast.io.portfolio_toml",
    "read_outcomes_csv": "forecast.io.outcomes_csv",
    "Portfolio": "forecast.core.model",
    "Team": "forecast.core.model",
    "Outcome": "forecast.core.model",
    "Part": "forecast.core.model",
    "Size": "forecast.core.model",
    "Risk": "forecast.core.model",
    "CapacityRange": "forecast.core.model",
    "PlanResult": "forecast.results.plan",
    "check": "forecast.forecasting.trust",
    "record": "forecast.io.records",
    "trend": "forecast.io.records",
    "History": "forecast.core.history",
    "Sample": "forecast.core.history",
    "Calendar": "forecast.core.calendar",
    "WhenForecast": "forecast.results.forecast",
    "HowManyForecast": "forecast.results.forecast",
    "Percentile": "forecast.results.stats",
    "ForecastError": "forecast.exceptions",
    "ForecastWarning": "forecast.exceptions",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    if name in ("plot", "report"):  # modules: forecast.plot.when(...), forecast.report...
        return importlib.import_module(f"forecast.{name}")
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'forecast' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__

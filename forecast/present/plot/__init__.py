"""Plots of forecasts. Each function takes ``ax=None`` and returns the axes.

One module per family of figures: :mod:`~forecast.present.plot.distribution`
(when, how_many), :mod:`~forecast.present.plot.burnup`,
:mod:`~forecast.present.plot.calendar`, :mod:`~forecast.present.plot.portfolio`,
:mod:`~forecast.present.plot.throughput`, :mod:`~forecast.present.plot.trend`
and :mod:`~forecast.present.plot.calibration` (reliability, pit), with what
they share in :mod:`~forecast.present.plot.style`. This package re-exports
the functions, so ``forecast.plot.when(...)`` is the way to call them, and
patching ``forecast.present.plot.burnup`` patches what the command line
calls (it calls them through this package). Where a module and its function
share a name (``burnup``, ``calendar``, ``portfolio``, ``throughput``,
``trend``), the package's attribute is the function; the module is reached
by ``from forecast.present.plot.burnup import ...`` or ``sys.modules``.

matplotlib is imported inside the functions, so importing the package loads
none of it; when no axes are given, a new figure is made with pyplot
(whatever backend is in use: the command line picks the non-interactive
Agg). The numbers drawn come from the results, or from the layers below
(:func:`forecast.forecasting.bands.burnup_bands` for the burn-up's fan):
nothing here computes a forecast.
"""

from forecast.present.plot.burnup import burnup
from forecast.present.plot.calendar import calendar
from forecast.present.plot.calibration import pit, reliability
from forecast.present.plot.distribution import how_many, when
from forecast.present.plot.portfolio import portfolio
from forecast.present.plot.style import BURNUP_LEVELS as BURNUP_LEVELS
from forecast.present.plot.style import PORTFOLIO_LEVELS as PORTFOLIO_LEVELS
from forecast.present.plot.throughput import throughput
from forecast.present.plot.trend import trend

__all__ = ["when", "how_many", "burnup", "calendar", "portfolio", "throughput", "trend",
           "reliability", "pit"]

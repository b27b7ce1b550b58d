"""How well a backtest's forecasts were calibrated: the reliability diagram and the PIT.

Both read a :class:`~forecast.evaluation.backtest.BacktestResult`'s scores.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from forecast.evaluation.backtest import STANDARD
from forecast.exceptions import ParameterError
from forecast.present.plot.style import axes_or_new, draws_literally

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from forecast.evaluation.backtest import BacktestResult

__all__ = ["reliability", "pit"]


@draws_literally
def reliability(result: BacktestResult, ax: Axes | None = None, horizon: int | None = None,
                ) -> Axes:
    """Reliability diagram: stated level against observed coverage, per method.

    One line per sampling method (at its best window), for the "N or more"
    statements at one How-many horizon (default: the middle one); a
    calibrated forecast lies on the diagonal.

    Parameters
    ----------
    result : BacktestResult
        From :func:`forecast.evaluation.backtest.backtest`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.
    horizon : int, optional
        The How-many horizon to show.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import forecast, forecast.plot
    >>> from forecast.evaluation.backtest import backtest
    >>> h = forecast.read_history("examples/team.csv")                  # doctest: +SKIP
    >>> ax = forecast.plot.reliability(backtest(h, methods=("daily",)))  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 5.5))
    h = horizon or result.horizons[len(result.horizons) // 2]
    ranking = result.ranking()
    seen = set()
    for method, window, _ in ranking:
        if method in seen:
            continue
        seen.add(method)
        score = result.score(method, window, h)
        levels = sorted(score.at_least)
        ax.plot(levels, [100 * score.at_least[p] for p in levels], marker="o",
                label=f"{method} {window}d")
    if (h and result.horizons) and ("daily", 30) in {(m, w) for m, w, _ in ranking}:
        standard = result.score("daily", 30, h)
        levels = sorted(standard.at_least)
        ax.plot(levels, [100 * standard.at_least[p] for p in levels], marker="x",
                linestyle="--", color="black", label="standard: daily 30d")
    ax.plot([0, 100], [0, 100], color="#999999", linewidth=1)
    ax.set_xlim(40, 100)
    ax.set_ylim(40, 100)
    ax.set_xlabel("stated chance of 'N or more' (%)")
    ax.set_ylabel("observed share of origins where it held (%)")
    ax.set_title(f"Calibration, {h} working days ({len(result.origins)} origins)")
    ax.legend(fontsize=8)
    return ax


_PIT_BINS = 10


def _pit_shares(values: Any) -> np.ndarray:
    """Return the percentage of PIT values in each of ten equal bins of [0, 1].

    The values are clipped to [0, 1] first: a PIT of 1 computed as
    1.0000000000000004 would otherwise fall outside the last bin and be lost.
    """
    pits = np.clip(np.asarray(values, dtype=float), 0.0, 1.0)
    counts = np.histogram(pits, bins=_PIT_BINS, range=(0.0, 1.0))[0]
    return 100.0 * counts / max(pits.size, 1)


@draws_literally
def pit(result: BacktestResult, ax: Axes | None = None, *, method: str | None = None,
        window: int | None = None, horizon: int | None = None, question: str = "how-many",
        ) -> Axes:
    """PIT histogram of a backtest: where each outcome fell in its forecast.

    For every origin of the backtest, the probability integral transform is
    the forecast's cumulative probability at what really happened (the
    mid-point for a count: ``F(y - 1) + P(y) / 2``). A calibrated forecast
    gives a flat histogram, each of the ten bins holding 10% of the origins
    (the dotted line). A U shape means outcomes fell in the tails too often
    (the forecast was too narrow), a hump that it was too wide, and a slope
    that it was biased. The bars are the shares in percent, so they sum to
    100.

    Parameters
    ----------
    result : BacktestResult
        From :func:`forecast.evaluation.backtest.backtest`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.
    method, window : str, int, optional
        The configuration (default: the recommended one, ``result.best``).
    horizon : int, optional
        How-many horizon in working days (default: the middle one), or the
        When batch (default: ``result.batch``).
    question : {"how-many", "when"}
        Which forecasts to show.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import forecast, forecast.plot
    >>> from forecast.evaluation.backtest import backtest
    >>> h = forecast.read_history("examples/team.csv")
    >>> r = backtest(h, methods=("daily",), windows=(30,), horizons=(10,), step=14)
    >>> ax = forecast.plot.pit(r)
    >>> round(float(sum(bar.get_height() for bar in ax.patches)), 6), len(ax.patches)
    (100.0, 10)
    """
    ax = axes_or_new(ax, (7, 4.2))
    if method is None or window is None:
        best = result.best
        method = best[0] if method is None else method
        window = best[1] if window is None else window
    if horizon is None:
        horizon = (result.batch if question == "when" else
                   result.horizons[len(result.horizons) // 2]) or 0
    score = result.score(method, window, horizon, question)
    edges = np.linspace(0.0, 1.0, _PIT_BINS + 1)
    shares = _pit_shares(score.pit_values)
    top = max(float(shares.max()), 100.0 / _PIT_BINS)
    ax.bar(edges[:-1], shares, width=np.diff(edges), align="edge", color="#9ecae1",
           edgecolor="#3182bd", label=f"{method} {window}d ({score.origins} origins)")
    if (method, window) != STANDARD:
        try:
            standard = result.score(*STANDARD, horizon, question)
        except ParameterError:  # the standard was not part of this backtest
            standard = None
        if standard is not None:
            standard_shares = _pit_shares(standard.pit_values)
            top = max(top, float(standard_shares.max()))
            ax.stairs(standard_shares, edges, color="black",
                      linestyle="--", linewidth=1.2,
                      label=f"standard: {STANDARD[0]} {STANDARD[1]}d")
    ax.axhline(100.0 / _PIT_BINS, color="#636363", linestyle=":", linewidth=1.5,
               label="calibrated (flat)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, top * 1.3)
    if question == "when":
        lower, upper = "done earlier than forecast", "done later than forecast"
        what = f"When {horizon} items"
    else:
        lower, upper = "fewer done than forecast", "more done than forecast"
        what = f"How many in {horizon} working days"
    ax.set_xlabel(f"PIT: forecast probability below the outcome\n← {lower}"
                  f"{' ' * 24}{upper} →")
    ax.set_ylabel("share of origins (%)")
    ax.set_title(f"PIT histogram: {what}\nflat = calibrated, U = too narrow, "
                 "hump = too wide, slope = biased", fontsize=10)
    handles, labels = ax.get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda i: not labels[i].startswith(method))
    ax.legend([handles[i] for i in order], [labels[i] for i in order], fontsize=8,
              loc="upper center", ncol=3)
    return ax

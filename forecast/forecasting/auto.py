"""The ``auto`` policy: choose a team's method and window by its own backtest.

``auto`` keeps the Bayesian bootstrap of the last 30 days unless another
configuration's CRPS was lower by more than ``SWITCH_Z`` standard errors over
the same origins of the year before the start, and recalibrates the answer
halfway by the latest past outcomes when its stated 85% missed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from forecast.core.calendar import as_date
from forecast.core.history import History
from forecast.evaluation.backtest import AUTO_DEFAULT, DEFAULT_WINDOWS, SWITCH_Z, backtest
from forecast.evaluation.recalibration import RECALIBRATION_PITS, halfway, recalibration_miss
from forecast.exceptions import ParameterError
from forecast.notes import info, warning
from forecast.sampling.methods import METHODS

__all__ = ["AutoChoice", "choose", "recalibrate_on_miss", "AUTO_ORIGINS"]


AUTO_ORIGINS = 52
"""``method="auto"`` scores configurations on the last year of weekly origins."""

@dataclass(frozen=True)
class AutoChoice:
    """What ``method="auto"`` chose for a team, why, and the backtest behind it.

    Attributes
    ----------
    method : str
        The chosen sampling method (``"daily"``, ``"weekly"`` or ``"bayes"``).
    window : int or None
        The chosen window in calendar days; None when ``since`` fixed it.
    note : str
        Why, in one sentence, for the answer's notes.
    result : BacktestResult or None
        The backtest the choice was made by; None when it fell back to the
        default (too little history for a backtest).

    Examples
    --------
    >>> import datetime as dt, forecast
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> short = choose(h, dt.date(2024, 6, 10), None, None)   # too short to backtest
    >>> short.method, short.window, short.result
    ('bayes', 30, None)
    >>> print(short.note[:75])
    method auto fell back to bayes with a 30-day window: too little history for
    """

    method: str
    window: int | None
    note: str
    result: Any = None


def choose(hist: History, begin: dt.date, window: int | None, since: Any) -> AutoChoice:
    """Choose the method and window by the team's own backtest before ``begin``.

    A given ``window`` or ``since`` fixes the window, and only the method is
    chosen. Every forecast of the backtest comes from an exact engine, so the
    choice carries no sampling noise and costs milliseconds.

    Examples
    --------
    >>> import datetime as dt, forecast
    >>> h = forecast.read_history("examples/team.csv")
    >>> choice = choose(h, dt.date(2024, 6, 3), None, None)
    >>> choice.method, choice.window
    ('bayes', 30)
    """
    methods = tuple(k for k, m in METHODS.items() if m.exact)
    windows: tuple[int, ...] = DEFAULT_WINDOWS
    if since is not None:
        windows = (max(7, (begin - as_date(since, "since")).days),)
    elif window is not None:
        windows = (int(window),)
    fallback = AUTO_DEFAULT
    try:
        # only the P85 statements (for the note) and the raw scores are needed
        result = backtest(hist, start=begin, methods=methods, windows=windows,
                          max_origins=AUTO_ORIGINS, levels=(85,), recalibrated=False,
                          engine="exact", when="best")
    except ParameterError as exc:
        reason = str(exc).removeprefix(f"{hist.source}: ").split("; ", 1)[0]
        kept = None if since is not None else (window or fallback[1])
        shown = f"{fallback[0]}" + (f" with a {kept}-day window" if kept else "")
        return AutoChoice(fallback[0], kept, warning(
            f"method auto fell back to {shown}: {reason}", "auto-fell-back"))
    method, chosen, z, default = result.choice()
    score = result.score(method, chosen, 20) if 20 in result.horizons else None
    detail = (f"; its 85% held {score.at_least[85]:.0%} (N or more) and {score.at_most[85]:.0%}"
              " (at most) at 20 working days") if score and 85 in score.at_least else ""
    over = f"over {len(result.origins)} weekly origins of the team's own past"
    if (method, chosen) == default:
        why = (f"no configuration's CRPS was lower than this default's by more than "
               f"{SWITCH_Z:g} standard errors {over}")
    else:
        why = (f"its CRPS was lower than the default {default[0]} {default[1]}d's by "
               f"{z:.1f} standard errors {over}")
    note = info(f"method auto chose {method} with a {chosen}-day window: {why}{detail}",
                "auto-chose")
    return AutoChoice(method, None if since is not None else chosen, note, result)


def recalibrate_on_miss(auto: AutoChoice | None, pmf: np.ndarray, question: str, days: int | None
                 ) -> tuple[np.ndarray, str | None]:
    """Recalibrate ``pmf`` halfway by the chosen configuration's recent PITs, on a miss.

    Parameters
    ----------
    auto : AutoChoice or None
        The choice of :func:`choose`; None (or one without a backtest) leaves
        ``pmf`` as it is.
    pmf : numpy.ndarray
        The answer's distribution (working days for When, items for How many).
    question : str
        ``"when"`` or ``"how-many"``: whose past outcomes to recalibrate by.
    days : int or None
        How many's horizon in working days (the backtest's nearest is used).

    Returns
    -------
    pmf : numpy.ndarray
        ``pmf`` recalibrated halfway (:func:`~forecast.evaluation.recalibration.halfway`)
        when its stated 85% missed on the team's past, else ``pmf`` itself.
    note : str or None
        What was recalibrated and why, or None when nothing was.

    Examples
    --------
    >>> import datetime as dt, forecast
    >>> h = forecast.read_history("examples/team.csv")
    >>> choice = choose(h, dt.date(2024, 6, 3), None, None)
    >>> pmf = np.full(20, 0.05)
    >>> fixed, note = recalibrate_on_miss(choice, pmf, "when", None)
    >>> print(note)  # doctest: +NORMALIZE_WHITESPACE
    recalibrated halfway by the 40 latest past outcomes of the team's own backtest
    (When 22 items): its stated 85% had held 92% (done by the date) and 57% (not done
    before it)
    >>> fixed[:3].round(3).tolist()
    [0.159, 0.047, 0.076]
    >>> recalibrate_on_miss(choice, pmf, "how-many", 20)[1] is None   # no miss: as it was
    True
    """
    if auto is None or auto.result is None:
        return pmf, None

    result, (method, window) = auto.result, auto.result.best
    if question == "when":
        key = ("when", result.batch)
    else:
        nearest = min(result.horizons, key=lambda h: abs(h - (days or h)))
        key = ("how-many", nearest)
    try:
        score = result.score(method, window, key[1], key[0])
    except ParameterError:
        return pmf, None
    # the backtest's PITs in origin order; the latest ones are the most recent outcomes
    pits = np.asarray(score.pit_values)[-RECALIBRATION_PITS:]
    span_days = result.batch_days if key[0] == "when" else key[1] * 7 / 5
    miss = recalibration_miss(pits, span_days)  # as partial_recalibration decides
    if miss is None:
        return pmf, None
    fixed = halfway(pmf, pits)
    if key[0] == "when":  # a low PIT is an early finish: "done by the date" is the upper side
        what = f"When {result.batch} items"
        held = f"{miss[1]:.0%} (done by the date) and {miss[0]:.0%} (not done before it)"
    else:
        what = f"How many in {key[1]} working days"
        held = f"{miss[0]:.0%} (N or more) and {miss[1]:.0%} (at most N)"
    return fixed, warning(
        f"recalibrated halfway by the {pits.size} latest past outcomes of the team's own "
        f"backtest ({what}): its stated 85% had held {held}", "recalibrated")



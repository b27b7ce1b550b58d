"""The ``auto`` policy: choose a team's method and window by its own backtest.

``auto`` keeps the time-weighted Bayesian bootstrap of the last 180 days
(``weighted``) unless another configuration's CRPS was lower by more than
``SWITCH_Z`` standard errors over the same origins of the year before the
start, and recalibrates the answer through the quantiles of the chosen
configuration's PITs over the latest two years (:func:`recalibrate_answer`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from forecast.core.calendar import as_date
from forecast.core.history import History
from forecast.evaluation.backtest import AUTO_DEFAULT, DEFAULT_WINDOWS, SWITCH_Z, backtest
from forecast.evaluation.recalibration import (
    KNOTS,
    RECALIBRATION_PITS,
    knot_recalibration,
    recalibration_miss,
)
from forecast.exceptions import ParameterError
from forecast.notes import info, warning
from forecast.sampling.methods import METHODS

__all__ = ["AutoChoice", "choose", "recalibrate_answer", "AUTO_ORIGINS"]


AUTO_ORIGINS = 52
"""``method="auto"`` chooses among configurations by the last year of weekly origins;
the one chosen is then scored on as many as the recalibration reads
(:data:`~forecast.evaluation.recalibration.RECALIBRATION_PITS`)."""

@dataclass(frozen=True)
class AutoChoice:
    """What ``method="auto"`` chose for a team, why, and the backtest behind it.

    Attributes
    ----------
    method : str
        The chosen sampling method (a key of
        :data:`~forecast.sampling.methods.METHODS`).
    window : int or None
        The chosen window in calendar days; None when ``since`` fixed it.
    note : str
        Why, in one sentence, for the answer's notes.
    result : BacktestResult or None
        The backtest the choice was made by; None when it fell back to the
        default (too little history for a backtest).
    recalibration : BacktestResult or None
        The chosen configuration's own backtest over the latest
        :data:`~forecast.evaluation.recalibration.RECALIBRATION_PITS` origins,
        whose PIT values the answer is recalibrated by (None when not asked
        for, or not run).

    Examples
    --------
    >>> import datetime as dt, forecast
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> short = choose(h, dt.date(2024, 6, 10), None, None)   # too short to backtest
    >>> short.method, short.window, short.result
    ('weighted', 7, None)
    >>> print(short.note[:75])
    method auto fell back to weighted with a 7-day window (all of its history):
    """

    method: str
    window: int | None
    note: str
    result: Any = None
    recalibration: Any = None


def choose(hist: History, begin: dt.date, window: int | None, since: Any, when: str = "best",
           recalibration: str | None = None) -> AutoChoice:
    """Choose the method and window by the team's own backtest before ``begin``.

    A given ``window`` or ``since`` fixes the window, and only the method is
    chosen. Every forecast of the backtest comes from an exact engine, so the
    choice carries no sampling noise and costs milliseconds. ``when``: the
    backtest's (``"best"``: also scores When for the chosen configuration;
    ``"none"``: How many only). ``recalibration`` (``"when"`` or
    ``"how-many"``: the question to be recalibrated) also scores the chosen
    configuration alone over the latest 104 origins
    (:attr:`AutoChoice.recalibration`), When only for a When question.

    Examples
    --------
    >>> import datetime as dt, forecast
    >>> h = forecast.read_history("examples/team.csv")
    >>> choice = choose(h, dt.date(2024, 6, 3), None, None)
    >>> choice.method, choice.window
    ('weighted', 180)
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
                          engine="exact", when=when)
    except ParameterError as exc:
        reason = str(exc).removeprefix(f"{hist.source}: ").split("; ", 1)[0]
        kept = None if since is not None else window
        whole = ""
        if since is None and window is None:
            # the default window, or all the history there is: the weights fade within
            # weeks, so a shorter history loses nothing and is not "cut short"
            span = (begin - hist.first).days
            kept = fallback[1] if span >= fallback[1] else max(span, 1)
            whole = "" if span >= fallback[1] else " (all of its history)"
        shown = f"{fallback[0]}" + (f" with a {kept}-day window{whole}" if kept else "")
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
    pits = None
    if recalibration is not None:
        # the chosen configuration's rows of the latest origins are kept from the choice
        try:
            pits = backtest(hist, start=begin, methods=(method,), windows=(chosen,),
                            horizons=result.horizons, max_origins=RECALIBRATION_PITS,
                            levels=(85,), recalibrated=False, engine="exact",
                            when="best" if recalibration == "when" else "none")
        except ParameterError:  # as the choice ran, this cannot fail; if it did, use that
            pits = None
    return AutoChoice(method, None if since is not None else chosen, note, result, pits)


def recalibrate_answer(auto: AutoChoice | None, pmf: np.ndarray, question: str,
                       days: int | None) -> tuple[np.ndarray, str | None]:
    """Recalibrate ``pmf`` by the chosen configuration's latest past PITs, at seven knots.

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
        ``pmf`` mapped through the quantiles of the latest past PITs
        (:func:`~forecast.evaluation.recalibration.knot_recalibration`), or
        ``pmf`` itself when fewer than 20 past outcomes are known.
    note : str or None
        What was recalibrated, by what, and how the raw forecast's stated
        85% had held: a warning when that missed by more than a standard
        error, else an info note; None when nothing was recalibrated.

    Examples
    --------
    >>> import datetime as dt, forecast
    >>> h = forecast.read_history("examples/team.csv")
    >>> choice = choose(h, dt.date(2024, 6, 3), None, None, recalibration="when")
    >>> pmf = np.full(20, 0.05)
    >>> fixed, note = recalibrate_answer(choice, pmf, "when", None)
    >>> print(note)  # doctest: +NORMALIZE_WHITESPACE
    recalibrated at 7 quantiles of the 40 latest past outcomes of the team's own backtest
    (When 22 items): as forecast, its stated 85% had held 95% (done by the date) and 57%
    (not done before it)
    >>> fixed[:3].round(3).tolist()
    [0.239, 0.095, 0.094]
    """
    if auto is None or auto.result is None:
        return pmf, None

    result = auto.recalibration if auto.recalibration is not None else auto.result
    method, window = auto.result.best
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
    fixed = knot_recalibration(pmf, pits)
    if fixed is None:
        return pmf, None
    span_days = result.batch_days if key[0] == "when" else key[1] * 7 / 5
    least, most = float(np.mean(pits > 0.15)), float(np.mean(pits < 0.85))
    if key[0] == "when":  # a low PIT is an early finish: "done by the date" is the upper side
        what = f"When {result.batch} items"
        held = f"{most:.0%} (done by the date) and {least:.0%} (not done before it)"
    else:
        what = f"How many in {key[1]} working days"
        held = f"{least:.0%} (N or more) and {most:.0%} (at most N)"
    text = (f"recalibrated at {len(KNOTS)} quantiles of the {pits.size} latest past outcomes "
            f"of the team's own backtest ({what}): as forecast, its stated 85% had held {held}")
    missed = recalibration_miss(pits, span_days) is not None
    return fixed, (warning(text, "recalibrated") if missed else info(text, "recalibrated"))

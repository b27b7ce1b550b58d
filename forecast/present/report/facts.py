"""What a report knows about each team: :class:`TeamFacts`, and the gathering of it.

For each team (a plan's teams, or the one history of a single question) the
report runs the signals of its window (:func:`forecast.evaluation.signals.check`)
and its backtest before the start (:func:`forecast.evaluation.backtest.backtest`
with :data:`REPORT_BACKTEST`), reusing the backtest ``auto`` ran when its
settings are the very same, and one backtest per history and settings
otherwise (:func:`gather`). What could not be made is kept as text, for the
section to say why.

Examples
--------
>>> backtest_options(True), backtest_options(False), backtest_options({"trials": 100})
({}, None, {'trials': 100})
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from forecast.core.history import MAX_WINDOW
from forecast.evaluation.backtest import DEFAULT_WINDOWS, BacktestResult, backtest
from forecast.evaluation.origins import backtest_settings
from forecast.evaluation.signals import check
from forecast.exceptions import ForecastError, ParameterError
from forecast.io.records import TrendResult, trend

if TYPE_CHECKING:
    from forecast.core.history import History, Sample
    from forecast.evaluation.signals import CheckResult

__all__ = ["TeamFacts", "REPORT_BACKTEST", "gather", "backtest_options", "read_trend",
           "same_as_command"]

REPORT_BACKTEST: dict[str, Any] = {}
"""Keyword arguments of :func:`forecast.evaluation.backtest.backtest` for each team in a
report over its defaults: none, so that a team's calibration table is the one
``forecast backtest FILE --start START`` prints (every method, the default
windows and horizons fitted to the team's history, every origin; exact, so no
trials), with the team's own window added when it is not among the
defaults (the section says so). Pass ``backtest={...}`` to override any of
them."""


@dataclass
class TeamFacts:
    """What a report knows about one team: its window, signals and backtest.

    Attributes
    ----------
    name : str
        The team's name (the history's source for a single question).
    history : History
        Its completed items.
    sample : Sample
        The window the forecast drew from.
    method : str
        The sampling method in use.
    wip : int or None
        Its WIP limit (None for a single question).
    check : CheckResult or None
        :func:`forecast.evaluation.signals.check` of the same window, with
        ``kept`` as its backtest (so its misses are among the warnings).
    backtest : BacktestResult or None
        :func:`forecast.evaluation.backtest.backtest` before the start, when it ran.
    problems : dict
        Why a section could not be made (``"check"``, ``"backtest"``).
    note : str
        What ``auto`` chose, when the method is auto.
    kept : BacktestResult or None
        The backtest the forecast's ``auto`` ran (its ``backtest``). The
        report shows it instead of running its own when the report's
        settings are the very ones it ran with
        (:meth:`~forecast.evaluation.backtest.BacktestResult.ran_with`); with
        other settings (by default: ``auto`` scores four windows at three
        horizons, the P85 only, without the recalibrated copy) the report runs
        its own, so that its table shows what its settings say.
    chosen : tuple of (str, int or None), optional
        What ``auto`` chose for a plan's team: its method and window (None:
        the window sampled, when ``auto`` fell back to its default).

    Examples
    --------
    >>> import datetime as dt, forecast
    >>> h = forecast.History.from_counts(["2024-06-03"], [2])
    >>> TeamFacts("api", h, h.sample(dt.date(2024, 6, 4), window=7), "daily").wip is None
    True
    """

    name: str
    history: History
    sample: Sample
    method: str
    wip: int | None = None
    check: CheckResult | None = None
    backtest: BacktestResult | None = None
    problems: dict[str, str] = field(default_factory=dict)
    note: str = ""
    kept: BacktestResult | None = None
    chosen: tuple[str, int | None] | None = None

    @property
    def window_days(self) -> int:
        """Calendar days in the window."""
        return (self.sample.last - self.sample.first).days + 1


def gather(facts: TeamFacts, start: dt.date, options: Mapping[str, Any] | None, seed: Any,
           cache: dict[Any, Any]) -> None:
    """Run the check and (unless ``options`` is None) the backtest of one team.

    The backtest is ``facts.kept`` (the one ``auto`` ran) when it ran with
    the same history and settings; otherwise one per history and settings.

    Parameters
    ----------
    facts : TeamFacts
        The team; its ``check``, ``backtest`` and ``problems`` are filled in.
    start : date
        The forecast's start: the backtest's origins are before it.
    options : mapping or None
        From :func:`backtest_options`: keyword arguments updating
        :data:`REPORT_BACKTEST`, or None for no backtest.
    seed : int or None
        The backtest's ``rng`` unless ``options`` gives one.
    cache : dict
        Backtests already run by this report (by history and settings),
        shared between its teams.

    Examples
    --------
    >>> import forecast
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> facts = TeamFacts("api", h, h.sample(dt.date(2024, 6, 5), window=7), "daily")
    >>> gather(facts, dt.date(2024, 6, 5), None, 42, {})
    >>> facts.check is not None, facts.backtest, facts.problems
    (True, None, {'backtest': 'not run (backtest=False)'})
    """
    try:
        # the forecast's own window; auto's backtest (when it ran) adds its misses as warnings
        facts.check = check(facts.history, start=start, window=None, since=facts.sample.first,
                            backtest=facts.kept)
    except ForecastError as exc:
        facts.problems["check"] = str(exc)
    if options is None:
        facts.problems["backtest"] = "not run (backtest=False)"
        return
    kwargs = {**REPORT_BACKTEST, **options}
    # the report's own windows and horizons are defaults: a short history scores those it fits
    kwargs.setdefault("fit", tuple(k for k in ("windows", "horizons") if k not in options))
    if "windows" not in options and 7 <= facts.window_days <= MAX_WINDOW \
            and facts.window_days not in DEFAULT_WINDOWS:
        kwargs["windows"] = (*DEFAULT_WINDOWS, facts.window_days)  # the team's own, last
    kwargs.setdefault("rng", seed)
    key = (id(facts.history), start, repr(sorted(kwargs.items())))
    if key not in cache and facts.kept is not None and "start" not in kwargs and \
            facts.kept.ran_with(facts.history, start=start, **kwargs):
        cache[key] = facts.kept  # what auto ran is what these settings would run
    if key not in cache:
        try:
            cache[key] = backtest(facts.history, start=start, **kwargs)
        except ForecastError as exc:
            cache[key] = str(exc)
    found = cache[key]
    if isinstance(found, str):
        facts.problems["backtest"] = found
    else:
        facts.backtest = found


def backtest_options(value: bool | Mapping[str, Any]) -> Mapping[str, Any] | None:
    """Read a report's ``backtest`` argument: {} for True, None for False, else the mapping.

    Raises
    ------
    ParameterError
        When it is none of those.

    Examples
    --------
    >>> backtest_options("yes")
    Traceback (most recent call last):
    ...
    forecast.exceptions.ParameterError: backtest = 'yes' must be True, False or a mapping ...
    """
    if value is True:
        return {}
    if value is False or value is None:
        return None
    if not isinstance(value, Mapping):
        raise ParameterError(f"backtest = {value!r} must be True, False or a mapping of "
                             "keyword arguments for forecast.evaluation.backtest.backtest")
    return value


def read_trend(record: Any) -> TrendResult | None:
    """Read a report's ``record`` argument: a record file read by :func:`forecast.trend`.

    None and a TrendResult are given back as they are.

    Raises
    ------
    ForecastError
        When the file cannot be read.

    Examples
    --------
    >>> read_trend(None) is None
    True
    """
    if record is None or isinstance(record, TrendResult):
        return record
    return trend(record)


def same_as_command(bt: BacktestResult, own_window: int | None = None) -> str:
    """Say which ``forecast backtest`` command prints this backtest's figures, or how it differs.

    Examples
    --------
    >>> import forecast
    >>> from forecast.evaluation.backtest import backtest
    >>> h = forecast.read_history("examples/platform.csv")
    >>> print(same_as_command(backtest(h, start="2024-06-03")))
    The same figures as `forecast backtest examples/platform.csv --start 2024-06-03`.
    >>> print(same_as_command(backtest(h, start="2024-06-03", windows=(30, 45))))
    The figures of `forecast backtest examples/platform.csv --start 2024-06-03
    --windows 30,45`.
    """
    settings = dict(bt.settings)
    start = settings.get("start")
    command = f"forecast backtest {bt.source}" + (f" --start {start.isoformat()}" if start else "")
    cal = bt.history.calendar if bt.history is not None else None
    if cal is not None:  # the team's calendar, as the command line gives it
        command += f" --calendar {cal.name}" if cal.name != "weekdays" else ""
        command += f" --holidays {cal.country}" if cal.country else ""
        command += " --holidays-file FILE" if cal.dates else ""
    default = backtest_settings(start=start)
    keys = ("methods", "windows", "horizons", "step", "batch", "levels", "max_origins",
            "recalibrated", "engine", "when")
    differ = [k for k in keys if settings.get(k) != default.get(k)]
    if not differ:
        return f"The same figures as `{command}`."
    # the command line has --methods, --windows, --horizons and --step; the rest are the
    # library's keywords (backtest={...} in the report)
    flags, keywords = [], []
    for key in differ:
        value = settings.get(key)
        if key in ("methods", "windows", "horizons") and isinstance(value, tuple):
            flags.append(f"--{key} {','.join(str(v) for v in value)}")
        elif key == "step":
            flags.append(f"--step {value}")
        else:
            keywords.append(f"{key}={value!r}")
    command = " ".join([command, *flags])
    if keywords:
        return (f"The figures of `{command}` with the library's "
                f"{', '.join(keywords)} (forecast.evaluation.backtest.backtest).")
    why = ""
    if differ == ["windows"] and own_window and own_window in (settings.get("windows") or ()):
        why = (f": the team's own {own_window}-day window is scored beside the default windows "
               "that fit")
    return f"The figures of `{command}`{why}."

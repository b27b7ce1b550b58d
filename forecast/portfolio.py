"""Portfolios: read them (TOML or an outcomes CSV), check them, and plan them.

:func:`plan` simulates every team and outcome together on one timeline per
trial (see :func:`forecast._kernels.plan_days` and its pure-Python twin), so
multi-team outcomes, dependencies freeing capacity, and joint probabilities
of several commitments come straight out of the same trials.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .calendar import _as_date
from .exceptions import ColumnError, DataError, InputFileError, ParameterError
from .history import History
from .model import CapacityRange, Outcome, Part, Portfolio, Risk, Size, Team

__all__ = ["read_portfolio", "read_outcomes_csv", "plan", "check_portfolio"]

_TEAM_KEYS = {"name", "history", "window", "since", "done_column", "date_format",
              "exclude_types", "calendar", "holidays", "wip", "capacity", "method", "source"}
_OUTCOME_KEYS = {"name", "team", "items", "items_low", "items_high", "parts", "split_low",
                 "split_high", "depends_on", "target", "priority"}
_RISK_KEYS = {"name", "probability", "outcome", "items_low", "items_high", "delay_days", "team"}
_TOP_KEYS = {"start", "trials", "seed", "percentiles", "team", "outcome", "risk"}


class _Where:
    """Builds messages that name the file and the entry at fault."""

    def __init__(self, source: str) -> None:
        self.source = source

    def error(self, entry: str, message: str, cls: type[Exception] = DataError) -> Exception:
        return cls(f"{self.source}, {entry}: {message}")


MAX_ITEMS = 10_000_000
"""Largest item count of an outcome part or a risk (a typo guard)."""

MAX_FACTOR = 10.0
"""Largest capacity factor or scope multiplier."""


def _whole(where: _Where, entry: str, key: str, value: Any, minimum: int,
           maximum: int = MAX_ITEMS) -> int:
    rule = f"must be a whole number from {minimum} to {maximum:,}"
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise where.error(entry, f"{key} = {value!r} {rule}")
    if isinstance(value, int):
        number: float = value
    else:
        try:
            number = float(value)
        except ValueError:
            raise where.error(entry, f"{key} = {value!r} {rule}") from None
        if not math.isfinite(number) or not number.is_integer():
            raise where.error(entry, f"{key} = {value!r} {rule}")
    if not minimum <= number <= maximum:
        raise where.error(entry, f"{key} = {value!r} {rule}")
    return int(number)


def _number(where: _Where, entry: str, key: str, value: Any, low: float = 0.0,
            high: float = MAX_FACTOR) -> float:
    try:
        if isinstance(value, bool):
            raise ValueError
        number = float(value)
    except (TypeError, ValueError):
        raise where.error(entry, f"{key} = {value!r} must be a number") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise where.error(entry, f"{key} = {value!r} must be a number from {low:g} to {high:g}")
    return number


def _text(where: _Where, entry: str, key: str, value: Any) -> str:
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise where.error(entry, f"{key} = {value!r} must be text")
    return str(value).strip()


def _names(where: _Where, entry: str, key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise where.error(entry, f"{key} = {value!r} must be a name or a list of names")
    return list(value)


def _tables(where: _Where, doc: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    value = doc.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise where.error("top level", f"{key} must be [[{key}]] tables")
    return value


def _date(where: _Where, entry: str, key: str, value: Any) -> dt.date:
    try:
        return _as_date(value, key)
    except ParameterError:
        raise where.error(entry, f"{key} = {value!r} is not a date; write YYYY-MM-DD") from None


def _size(where: _Where, entry: str, items: Any, low: Any, high: Any) -> Size | None:
    if items is not None and (low is not None or high is not None):
        raise where.error(entry, "give items or items_low/items_high, not both")
    if items is not None:
        if isinstance(items, list):
            if len(items) != 2:
                raise where.error(entry, f"items = {items!r}: a range is [low, high]")
            low, high = items
        else:
            count = _whole(where, entry, "items", items, 1)
            return Size(count, count)
    if low is None and high is None:
        return None
    if low is None or high is None:
        raise where.error(entry, "give both items_low and items_high")
    lo = _whole(where, entry, "items_low", low, 1)
    hi = _whole(where, entry, "items_high", high, 1)
    if lo > hi:
        raise where.error(entry, f"items_low = {lo} > items_high = {hi}; swap them")
    return Size(lo, hi)


def _split(where: _Where, entry: str, low: Any, high: Any) -> tuple[float, float] | None:
    if low is None and high is None:
        return None
    lo = _number(where, entry, "split_low", 1.0 if low is None else low)
    hi = _number(where, entry, "split_high", lo if high is None else high)
    if lo <= 0 or lo > hi:
        raise where.error(entry, f"split_low = {lo:g}, split_high = {hi:g}: need 0 < low <= high")
    return (lo, hi)


def _capacity(where: _Where, entry: str, spans: Any) -> tuple[CapacityRange, ...]:
    if spans is None:
        return ()
    if not isinstance(spans, list):
        raise where.error(entry, "capacity must be a list of {from, to, factor} tables")
    ranges = []
    for i, span in enumerate(spans, 1):
        here = f"{entry}, capacity range {i}"
        if not isinstance(span, dict) or not {"from", "to", "factor"} <= set(span):
            raise where.error(here, "needs from, to and factor, e.g. "
                              "{from = 2024-08-01, to = 2024-08-14, factor = 0.5}")
        _unknown(where, here, span, {"from", "to", "factor"})
        first = _date(where, here, "from", span["from"])
        last = _date(where, here, "to", span["to"])
        if _date(where, here, "to", span["to"]) < first:
            raise where.error(here, f"from {first} is after to {last}; swap them")
        factor = _number(where, here, "factor", span["factor"])
        ranges.append(CapacityRange(first, last, factor))
    # overlaps are refused by check_portfolio, which every portfolio goes through
    return tuple(ranges)


def _unknown(where: _Where, entry: str, table: Mapping[str, Any], allowed: set[str]) -> None:
    extra = sorted(set(table) - allowed)
    if extra:
        raise where.error(
            entry, f"unknown key {extra[0]!r}; known keys: {', '.join(sorted(allowed))}"
        )


def _read_team_history(
    base: Path, where: _Where, entry: str, table: Mapping[str, Any], cache: dict[Any, History]
) -> History:
    from .io import read_history

    if "history" not in table:
        raise DataError("needs history = \"path/to/history.csv\"")
    path = Path(str(table["history"]))
    if not path.is_absolute():
        path = base / path
    holidays = table.get("holidays")
    if holidays is not None and not isinstance(holidays, (str, list)):
        raise DataError(f"holidays = {holidays!r} must be a country code or a list of dates")
    exclude = table.get("exclude_types", ())
    if isinstance(exclude, str):
        exclude = [exclude]
    if not isinstance(exclude, (list, tuple)) or not all(isinstance(t, str) for t in exclude):
        raise DataError(f"exclude_types = {exclude!r} must be a list of type names")
    tracker = table.get("source", "auto")
    if not isinstance(tracker, str):
        raise DataError(f"source = {tracker!r} must be one of auto, generic, jira, ado, github, "
                        "linear")
    key = (str(path), table.get("done_column"), table.get("date_format"),
           str(table.get("calendar", "weekdays")), str(holidays),
           tuple(exclude), tracker.strip().lower())
    if key not in cache:
        cache[key] = read_history(
            path, done_column=table.get("done_column"), date_format=table.get("date_format"),
            calendar=str(table.get("calendar", "weekdays")), holidays=holidays,
            exclude_types=exclude, tracker=tracker,
        )
    return cache[key]


def read_portfolio(path: str | os.PathLike[str]) -> Portfolio:
    """Read and check a portfolio TOML file.

    Parameters
    ----------
    path : path
        The TOML file; history paths in it are relative to its folder.

    Returns
    -------
    Portfolio

    Raises
    ------
    ForecastError
        One clear message naming the file and the entry at fault.

    Examples
    --------
    >>> p = read_portfolio("examples/portfolio.toml")  # doctest: +SKIP
    >>> [t.name for t in p.teams]                      # doctest: +SKIP
    ['web', 'api', 'data']
    """
    file = Path(path)
    if file.is_dir():
        raise InputFileError(f"portfolio '{file}' is a directory; give a TOML file")
    if not file.is_file():
        raise InputFileError(f"portfolio file '{file}' does not exist; check the path")
    try:
        doc = tomllib.loads(file.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        text = str(exc)
        found = re.search(r"\(at line (\d+), column (\d+)\)", text)
        what = re.sub(r"\s*\(at line.*\)", "", text).strip().lower() or "invalid TOML"
        place = f" at line {found.group(1)}, column {found.group(2)}" if found else ""
        raise DataError(f"'{file}': TOML syntax error{place}: {what}; fix the file") from None
    except UnicodeDecodeError:
        raise InputFileError(f"portfolio file '{file}' is not UTF-8 text") from None
    where = _Where(f"'{file}'")
    _unknown(where, "top level", doc, _TOP_KEYS)
    cache: dict[Any, History] = {}
    teams_raw = _tables(where, doc, "team")
    if not teams_raw:
        raise where.error("top level", "no [[team]] entries; add at least one team")
    teams = []
    for i, table in enumerate(teams_raw, 1):
        name = _text(where, f"team {i}", "name", table.get("name", ""))
        entry = f"team {name!r}" if name else f"team {i}"
        if not name:
            raise where.error(entry, "needs a name")
        _unknown(where, entry, table, _TEAM_KEYS)
        try:
            history = _read_team_history(file.parent, where, entry, table, cache)
        except (InputFileError, ColumnError, DataError, ParameterError) as exc:
            raise type(exc)(f"{where.source}, {entry}: {exc}") from None
        since = table.get("since")
        if since is not None and "window" in table:
            raise where.error(entry, "give window or since, not both")
        teams.append(Team(
            name=name, history=history,
            window=(_whole(where, entry, "window", table["window"], 1)
                    if "window" in table else None),
            since=None if since is None else _date(where, entry, "since", since),
            wip=_whole(where, entry, "wip", table.get("wip", 1), 1),
            capacity=_capacity(where, entry, table.get("capacity")),
            method=_text(where, entry, "method", table.get("method", "auto")).lower(),
        ))
    outcomes = []
    for i, table in enumerate(_tables(where, doc, "outcome"), 1):
        name = _text(where, f"outcome {i}", "name", table.get("name", ""))
        entry = f"outcome {name!r}" if name else f"outcome {i}"
        if not name:
            raise where.error(entry, "needs a name")
        _unknown(where, entry, table, _OUTCOME_KEYS)
        if "parts" in table:
            if "team" in table or "items" in table:
                raise where.error(entry, "give parts, or team and items, not both")
            if not isinstance(table["parts"], dict) or not table["parts"]:
                raise where.error(entry, "parts must be a table such as {web = 10, api = 4}")
            parts = []
            for team, items in table["parts"].items():
                size = _size(where, f"{entry}, part {team!r}", items, None, None)
                parts.append(Part(str(team), size or Size(0, 0, True)))
        else:
            if "team" not in table:
                if len(teams) != 1:
                    raise where.error(entry, "needs team = \"NAME\" (or parts = {...})")
                team_name = teams[0].name
            else:
                team_name = _text(where, entry, "team", table["team"])
            size = _size(where, entry, table.get("items"), table.get("items_low"),
                         table.get("items_high"))
            parts = [Part(team_name, size or Size(0, 0, True))]
        depends = _names(where, entry, "depends_on", table.get("depends_on", []))
        target = table.get("target")
        outcomes.append(Outcome(
            name=name, parts=tuple(parts),
            split=_split(where, entry, table.get("split_low"), table.get("split_high")),
            depends_on=tuple(str(d) for d in depends),
            target=None if target is None else _date(where, entry, "target", target),
            priority=(_whole(where, entry, "priority", table["priority"], -10**9, 10**9)
                      if "priority" in table else i),
        ))
    risks = []
    for i, table in enumerate(_tables(where, doc, "risk"), 1):
        name = _text(where, f"risk {i}", "name", table.get("name", "")) or f"risk {i}"
        entry = f"risk {name!r}"
        _unknown(where, entry, table, _RISK_KEYS)
        risks.append(_risk(where, entry, name, table))
    settings = _settings(where, doc)
    portfolio = Portfolio(teams=tuple(teams), outcomes=tuple(outcomes), risks=tuple(risks),
                          source=str(file), **settings)
    check_portfolio(portfolio, where)
    return portfolio


def _risk(where: _Where, entry: str, name: str, table: Mapping[str, Any]) -> Risk:
    if "outcome" not in table:
        raise where.error(entry, "needs outcome = \"NAME\"")
    prob = _number(where, entry, "probability", table.get("probability"), 0.0, 1e9)
    if not 0.0 <= prob <= 1.0:
        raise where.error(entry, f"probability = {prob:g} is outside [0, 1]")
    if "delay_days" in table and "team" in table:
        raise where.error(entry, "team goes with items_low/items_high; a delay holds the "
                          "whole outcome")
    has_items = "items_low" in table or "items_high" in table
    if has_items == ("delay_days" in table):
        raise where.error(entry, "give either items_low/items_high or delay_days as the impact")
    if has_items:
        low = _whole(where, entry, "items_low", table.get("items_low", table.get("items_high")), 0)
        high = _whole(where, entry, "items_high", table.get("items_high", low), 0)
        if low > high:
            raise where.error(entry, f"items_low = {low} > items_high = {high}; swap them")
        team = table.get("team")
        return Risk(name, prob, str(table["outcome"]), items=(low, high),
                    team=None if team is None else str(team))
    return Risk(name, prob, _text(where, entry, "outcome", table["outcome"]),
                delay_days=_whole(where, entry, "delay_days", table["delay_days"], 0, 2600))


def _settings(where: _Where, doc: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "start" in doc:
        out["start"] = _date(where, "top level", "start", doc["start"])
    if "trials" in doc:
        out["trials"] = _whole(where, "top level", "trials", doc["trials"], 1, 100_000_000)
    if "seed" in doc:
        out["seed"] = _whole(where, "top level", "seed", doc["seed"], 0, 2**64 - 1)
    if "percentiles" in doc:
        from .result import _check_levels

        try:
            out["percentiles"] = _check_levels(doc["percentiles"])
        except ParameterError as exc:
            raise where.error("top level", str(exc)) from None
    return out


def check_portfolio(portfolio: Portfolio, where: _Where | None = None) -> None:
    """Check names, references, sizes and dependencies; raise one clear error.

    Raises
    ------
    DataError
        Unknown team or outcome, duplicate name, a dependency cycle (named),
        or an outcome without a size whose team's history cannot give one.

    Examples
    --------
    >>> import forecast
    >>> h = forecast.History.from_counts(["2024-06-03"], [2])
    >>> bad = Portfolio((Team("api", h),), (Outcome("a", (Part("web", Size(4, 4)),)),))
    >>> check_portfolio(bad)
    Traceback (most recent call last):
    ...
    forecast.exceptions.DataError: portfolio, outcome 'a': unknown team 'web'; teams are: api
    """
    where = where or _Where(portfolio.source)
    teams: dict[str, Team] = {}
    for team in portfolio.teams:
        entry = f"team {team.name!r}"
        if team.name in teams:
            raise where.error(entry, "duplicate team name; names must be unique")
        teams[team.name] = team
        if team.method not in ("daily", "weekly", "bayes", "auto"):
            raise where.error(entry, f"method = {team.method!r} is not known; use daily, "
                              "weekly, bayes or auto")
        if isinstance(team.wip, bool) or not isinstance(team.wip, int) or team.wip < 1:
            raise where.error(entry, f"wip = {team.wip!r} must be a whole number >= 1")
        spans = sorted(team.capacity, key=lambda r: r.first)
        for span in spans:
            if span.last < span.first or not 0 <= span.factor <= MAX_FACTOR:
                raise where.error(entry, f"capacity range {span.first}..{span.last} with factor "
                                  f"{span.factor}: need from <= to and 0 <= factor <= "
                                  f"{MAX_FACTOR:g}")
        for before, after in zip(spans, spans[1:], strict=False):
            if after.first <= before.last:
                raise where.error(entry, f"capacity ranges {before.first}..{before.last} and "
                                  f"{after.first}..{after.last} overlap; merge them")
    names: set[str] = set()
    for outcome in portfolio.outcomes:
        entry = f"outcome {outcome.name!r}"
        if outcome.name in names:
            raise where.error(entry, "duplicate outcome name; names must be unique")
        names.add(outcome.name)
        seen_teams: set[str] = set()
        for part in outcome.parts:
            if part.team not in teams:
                raise where.error(entry, f"unknown team {part.team!r}; teams are: "
                                  f"{', '.join(teams)}")
            if part.team in seen_teams:
                raise where.error(entry, f"team {part.team!r} has two parts; give one")
            size = part.size
            if not size.from_history and not 1 <= size.low <= size.high <= MAX_ITEMS:
                raise where.error(entry, f"part {part.team!r}: items {size.low}..{size.high} "
                                  f"must satisfy 1 <= low <= high <= {MAX_ITEMS:,}")
            seen_teams.add(part.team)
            if part.size.from_history:
                try:
                    teams[part.team].history.outcome_sizes()
                except ColumnError:
                    raise where.error(
                        entry, f"no size given, and team {part.team!r}'s history has no "
                        "parent/epic column to learn outcome sizes from; give items = N or "
                        "items_low/items_high"
                    ) from None
    if not portfolio.outcomes:
        raise where.error("top level", "no [[outcome]] entries; add at least one outcome")
    for outcome in portfolio.outcomes:
        if not outcome.parts:
            raise where.error(f"outcome {outcome.name!r}", "has no part; give a team and items")
        if outcome.split is not None:
            low, high = outcome.split
            if not (math.isfinite(low) and math.isfinite(high) and 0 < low <= high <= MAX_FACTOR):
                raise where.error(f"outcome {outcome.name!r}", f"split {low}..{high} must "
                                  f"satisfy 0 < low <= high <= {MAX_FACTOR:g}")
    for outcome in portfolio.outcomes:
        for dep in outcome.depends_on:
            if dep not in names:
                raise where.error(f"outcome {outcome.name!r}",
                                  f"depends on unknown outcome {dep!r}")
            if dep == outcome.name:
                raise where.error(f"outcome {outcome.name!r}", "depends on itself")
    cycle = _find_cycle({o.name: list(o.depends_on) for o in portfolio.outcomes})
    if cycle:
        raise where.error("outcomes", f"dependency cycle: {' -> '.join(cycle)}; "
                          "remove one of these dependencies")
    risk_names: set[str] = set()
    for risk in portfolio.risks:
        entry = f"risk {risk.name!r}"
        if risk.name in risk_names:
            raise where.error(entry, "duplicate risk name; names must be unique")
        risk_names.add(risk.name)
        if not (math.isfinite(risk.probability) and 0 <= risk.probability <= 1):
            raise where.error(entry, f"probability = {risk.probability} is outside [0, 1]")
        if (risk.items is None) == (risk.delay_days is None):
            raise where.error(entry, "give either items or delay_days as the impact")
        if risk.items is not None and not 0 <= risk.items[0] <= risk.items[1] <= MAX_ITEMS:
            raise where.error(entry, f"items {risk.items} must satisfy 0 <= low <= high")
        if risk.delay_days is not None and not 0 <= risk.delay_days <= 2600:
            raise where.error(entry, f"delay_days = {risk.delay_days} must be 0 to 2600")
        match = [o for o in portfolio.outcomes if o.name == risk.outcome]
        if not match:
            raise where.error(entry, f"unknown outcome {risk.outcome!r}")
        if risk.team is not None and risk.team not in match[0].teams:
            raise where.error(entry, f"team {risk.team!r} has no part in {risk.outcome!r}; "
                              f"its teams: {', '.join(match[0].teams)}")


def _find_cycle(graph: Mapping[str, list[str]]) -> list[str] | None:
    """Return a dependency cycle as a list of names (first = last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if state.get(nxt) is None:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in graph:
        if state.get(node) is None:
            found = visit(node)
            if found:
                return found
    return None


OUTCOME_CSV_COLUMNS = ("outcome", "team", "items", "items_low", "items_high", "split_low",
                       "split_high", "depends_on", "target", "priority")
"""Columns of an outcomes CSV; only ``outcome`` is required."""


def read_outcomes_csv(
    path: str | os.PathLike[str],
    histories: Mapping[str, History | str | os.PathLike[str]],
    *,
    window: int | None = None,
    since: Any = None,
    wip: int = 1,
    history_options: Mapping[str, Any] | None = None,
    method: str = "auto",
) -> Portfolio:
    """Read an outcomes CSV (one row per outcome, or per outcome and team).

    Parameters
    ----------
    path : path
        The CSV, with the columns of :data:`OUTCOME_CSV_COLUMNS` (``team`` may
        be left out when there is one team; ``depends_on`` separates names
        with ``;``). An outcome delivered by several teams has one row per
        team, with the same outcome name.
    histories : mapping
        Team name to History or history file.
    window, since, wip, method
        Applied to every team.
    history_options : mapping, optional
        Keywords for :func:`forecast.read_history` (calendar, holidays...).

    Returns
    -------
    Portfolio

    Examples
    --------
    >>> p = read_outcomes_csv("examples/outcomes.csv",
    ...                       {"team": "examples/team.csv"})  # doctest: +SKIP
    """
    from .io import _read_csv, read_history

    file = Path(path)
    frame = _read_csv(file, "outcomes")
    where = _Where(f"'{file}'")
    lower = {c.strip().lower(): c for c in frame.columns}
    if "outcome" not in lower:
        raise ColumnError(f"{where.source}: no 'outcome' column; columns found: "
                          f"{', '.join(frame.columns)}; expected: "
                          f"{', '.join(OUTCOME_CSV_COLUMNS)}")
    unknown = sorted(set(lower) - set(OUTCOME_CSV_COLUMNS))
    if unknown:
        raise ColumnError(f"{where.source}: unknown column {lower[unknown[0]]!r}; expected: "
                          f"{', '.join(OUTCOME_CSV_COLUMNS)}")
    if not histories:
        raise ParameterError("an outcomes CSV needs team histories: --history TEAM=PATH")
    teams = []
    for name, source in histories.items():
        history = source if isinstance(source, History) else read_history(
            source, **dict(history_options or {}))
        teams.append(Team(str(name), history, window=window,
                          since=None if since is None else _as_date(since, "since"), wip=wip,
                          method=method))
    by_name: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    for label, row in frame.iterrows():
        cell = {key: str(row[col]).strip() for key, col in lower.items()}
        name = cell["outcome"]
        entry = f"row {label}"
        if not name:
            raise where.error(entry, "the outcome name is empty")
        entry = f"row {label} (outcome {name!r})"
        team = cell.get("team") or (teams[0].name if len(teams) == 1 else "")
        if not team:
            raise where.error(entry, "the team is empty and there are several teams; "
                              "name the team")
        size = _size(where, entry, cell.get("items") or None, cell.get("items_low") or None,
                     cell.get("items_high") or None)
        fields = {
            "split": _split(where, entry, cell.get("split_low") or None,
                            cell.get("split_high") or None),
            "depends_on": tuple(d.strip() for d in cell.get("depends_on", "").split(";")
                                if d.strip()),
            "target": (_date(where, entry, "target", cell["target"])
                       if cell.get("target") else None),
            "priority": (_whole(where, entry, "priority", cell["priority"], -10**9)
                         if cell.get("priority") else None),
        }
        part = Part(team, size or Size(0, 0, True))
        if name not in by_name:
            by_name[name] = {"parts": [part], **fields}
            order.append(name)
            continue
        known = by_name[name]
        if team in [p.team for p in known["parts"]]:
            raise where.error(entry, f"duplicate outcome name for team {team!r}; "
                              "names must be unique")
        for key, value in fields.items():
            if value not in (None, ()) and known[key] not in (None, ()) and value != known[key]:
                raise where.error(entry, f"{key} differs from the outcome's first row")
            if known[key] in (None, ()):
                known[key] = value
        known["parts"].append(part)
    outcomes = tuple(
        Outcome(name=name, parts=tuple(by_name[name]["parts"]), split=by_name[name]["split"],
                depends_on=by_name[name]["depends_on"], target=by_name[name]["target"],
                priority=(i if by_name[name]["priority"] is None
                          else by_name[name]["priority"]))
        for i, name in enumerate(order)
    )
    portfolio = Portfolio(teams=tuple(teams), outcomes=outcomes, source=str(file))
    check_portfolio(portfolio, where)
    return portfolio


def plan(
    source: Portfolio | str | os.PathLike[str],
    *,
    start: Any = None,
    trials: int | None = None,
    rng: Any = None,
    percentiles: Iterable[float] | None = None,
    histories: Mapping[str, History | str | os.PathLike[str]] | None = None,
    horizon: int | None = None,
    parallel: bool | None = None,
) -> Any:
    """Plan a portfolio: every team and outcome on one shared timeline per trial.

    Parameters
    ----------
    source : Portfolio or path
        A Portfolio, a TOML portfolio file, or an outcomes CSV (then
        ``histories`` names each team's history).
    start : date, optional
        First day (default: the file's ``start``, else today).
    trials : int, optional
        Monte Carlo trials (default: the file's, else 10,000).
    rng : None, int or numpy.random.Generator
        Seed (default: the file's ``seed``, else a fixed default).
    percentiles : iterable of float, optional
        Levels to report (default: the file's, else 50, 70, 85, 95).
    histories : mapping, optional
        For an outcomes CSV: team name to History or history file.
    horizon : int, optional
        Calendar days simulated (default: 10 years).
    parallel : bool, optional
        Use all cores (results are identical either way).

    Returns
    -------
    PlanResult

    Examples
    --------
    >>> import forecast
    >>> from forecast.model import Outcome, Part, Portfolio, Size, Team
    >>> h = forecast.History.from_counts(["2024-06-03"], [1], calendar="all")
    >>> p = Portfolio((Team("api", h),), (Outcome("a", (Part("api", Size(35, 35)),)),
    ...                                   Outcome("b", (Part("api", Size(20, 20)),))))
    >>> result = forecast.plan(p, start="2024-06-04", trials=100)
    >>> [pc.date.isoformat() for pc in result.percentiles("b")][:1]
    ['2024-07-28']
    """
    import numpy as np

    from .calendar import HORIZON_YEARS, years_after
    from .questions import _check_trials, _check_whole, _parallel, _start
    from .result import PlanResult, _check_levels
    from .simulate import normalise_seed, plan_arrays, simulate_plan

    if isinstance(source, Portfolio):
        portfolio = source
        check_portfolio(portfolio)
    else:
        path = Path(source)
        if path.suffix.lower() == ".csv":
            portfolio = read_outcomes_csv(path, histories or {})
        else:
            portfolio = read_portfolio(path)
    begin = _start(start if start is not None else portfolio.start)
    count = _check_trials(trials if trials is not None else portfolio.trials)
    seed = normalise_seed(rng if rng is not None else portfolio.seed)
    levels = _check_levels(percentiles if percentiles is not None else portfolio.percentiles)
    if horizon is None:
        horizon = (years_after(begin, HORIZON_YEARS) - begin).days
    horizon = _check_whole("horizon", horizon, 1)
    arrays = plan_arrays(portfolio, begin, horizon)
    team_days = float(count) * horizon * len(portfolio.teams) / 10
    days, items = simulate_plan(arrays, horizon, count, seed,
                                parallel=_parallel(parallel, team_days))
    notes = list(portfolio.notes) + arrays["notes"]
    for outcome in portfolio.outcomes:
        if outcome.target is not None and outcome.target < begin:
            notes.append(f"outcome {outcome.name!r}: its target {outcome.target} is before the "
                         f"start {begin}; it can only be missed")
    for team, sample in zip(portfolio.teams, arrays["samples"], strict=True):
        notes.extend(f"team {team.name!r}: {w}" for w in sample.warnings)
        notes.extend(f"team {team.name!r}: {w}" for w in team.history.notes)
    return PlanResult(
        portfolio=portfolio, start=begin, horizon=horizon, day_index=days,
        items=items, levels=levels, trials=count, seed=seed,
        samples=tuple(arrays["samples"]), notes=tuple(notes),
        reference=np.asarray(portfolio.teams[0].history.calendar.working_dates(
            begin, begin + dt.timedelta(days=horizon - 1))),
    )


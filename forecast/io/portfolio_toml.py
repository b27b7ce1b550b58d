"""Portfolio TOML files: teams, calendars, outcomes and risks, read and checked."""

from __future__ import annotations

import os
import re
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from forecast.core.checks import check_levels
from forecast.core.history import History
from forecast.core.model import Outcome, Part, Portfolio, Risk, Size, Team
from forecast.exceptions import ColumnError, DataError, InputFileError, ParameterError
from forecast.io.files import path_kind
from forecast.io.portfolio_checks import (
    Where,
    capacity_at,
    check_portfolio,
    date_at,
    names_at,
    number_at,
    size_at,
    split_at,
    tables_at,
    text_at,
    whole_at,
)
from forecast.io.portfolio_keys import (
    DATE,
    FLAG,
    NUMBER,
    TEXT,
    WHOLE,
    Kind,
    check_keys,
    confined_path,
    shown,
)
from forecast.io.readers import read_history
from forecast.io.trackers import sources

__all__ = ["read_portfolio", "check_portfolio", "MAX_PORTFOLIO_BYTES"]

_NAME = Kind((str, int), "text in quotes, the name")
_TEAM_KEYS = {
    "name": _NAME,
    "history": TEXT.but("text in quotes: the history file, relative to the portfolio's folder"),
    "window": WHOLE.but("a whole number of calendar days"),
    "since": DATE,
    "done_column": TEXT.but("text in quotes: the name of the done-date column"),
    "date_format": TEXT.but('text in quotes: a strptime format such as "%d/%m/%Y"'),
    "exclude_types": Kind((str, list), 'a list of type names such as ["Epic"]'),
    "calendar": TEXT.but('"weekdays" or "all"'),
    "holidays": Kind((str, list), 'a country code such as "GB", or a list of dates'),
    "wip": WHOLE,
    "capacity": Kind((list,), "a list of {from, to, factor} tables"),
    "method": TEXT.but('text in quotes such as "auto" or "daily"'),
    "source": TEXT.but(f"text in quotes, one of {', '.join(sources())}"),
}
_OUTCOME_KEYS = {
    "name": _NAME,
    "team": _NAME.but("text in quotes, a team's name"),
    "items": Kind((int, float, str, list), "a whole number or a range [low, high]"),
    "items_low": WHOLE,
    "items_high": WHOLE,
    "parts": Kind((dict,), "a table such as {web = 10, api = 4}"),
    "split_low": NUMBER,
    "split_high": NUMBER,
    "depends_on": Kind((str, list), 'an outcome\'s name or a list of names such as ["A", "B"]'),
    "target": DATE,
    "priority": WHOLE,
}
_RISK_KEYS = {
    "name": _NAME,
    "probability": NUMBER.but("a number from 0 to 1"),
    "outcome": _NAME.but("text in quotes, an outcome's name"),
    "items_low": WHOLE,
    "items_high": WHOLE,
    "delay_days": WHOLE.but("a whole number of working days"),
    "team": _NAME.but("text in quotes, a team's name"),
}
_TOP_KEYS = {
    "start": DATE,
    "trials": WHOLE,
    "seed": WHOLE,
    "percentiles": Kind((list, int, float, str), "a list of levels such as [50, 85]"),
    "team": Kind((list,), "[[team]] tables"),
    "outcome": Kind((list,), "[[outcome]] tables"),
    "risk": Kind((list,), "[[risk]] tables"),
    "allow_outside": FLAG,
}

MAX_PORTFOLIO_BYTES = 64 * 1024 * 1024
"""Largest portfolio TOML read (64 MiB; 10,000 outcomes take about 1 MiB)."""


def _read_team_history(path: Path, table: Mapping[str, Any], cache: dict[Any, History]
                       ) -> History:
    holidays = table.get("holidays")
    exclude = table.get("exclude_types", ())
    if isinstance(exclude, str):
        exclude = [exclude]
    if not all(isinstance(t, str) for t in exclude):
        raise DataError(f"exclude_types = {shown(exclude)} must be a list of type names "
                        "in quotes")
    tracker = table.get("source", "auto")
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


def _load(file: Path) -> dict[str, Any]:
    """Read and parse the TOML file, refusing what is not a readable TOML file in one line."""
    kind = path_kind(file)
    if kind is not None:
        raise InputFileError(f"portfolio '{file}' is {kind}; give a TOML file")
    if not file.is_file():
        raise InputFileError(f"portfolio file '{file}' does not exist; check the path")
    try:
        with open(file, "rb") as fh:
            data = fh.read(MAX_PORTFOLIO_BYTES + 1)
    except OSError as exc:
        raise InputFileError(f"portfolio file '{file}' cannot be read: "
                             f"{exc.strerror or exc}") from None
    if len(data) > MAX_PORTFOLIO_BYTES:
        cap = (f"{MAX_PORTFOLIO_BYTES // 2**20} MiB" if MAX_PORTFOLIO_BYTES >= 2**20
               else f"{MAX_PORTFOLIO_BYTES:,} bytes")
        raise InputFileError(f"portfolio file '{file}' is larger than {cap}, the most a "
                             "portfolio may be; is it the right file?")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFileError(f"portfolio file '{file}' is not UTF-8 text") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column (\d+)\)", message)
        what = re.sub(r"\s*\(at line.*\)", "", message).strip().lower() or "invalid TOML"
        place = f" at line {found.group(1)}, column {found.group(2)}" if found else ""
        raise DataError(f"'{file}': TOML syntax error{place}: {what}; fix the file") from None
    except RecursionError:
        raise DataError(f"'{file}': arrays or tables are nested too deeply for the TOML reader "
                        f"(about {sys.getrecursionlimit()} levels or more); a portfolio needs "
                        "no more than three, fix the file") from None


def read_portfolio(path: str | os.PathLike[str], *, allow_outside: bool | None = None
                   ) -> Portfolio:
    """Read and check a portfolio TOML file.

    Every file a portfolio names (each team's ``history``) is relative to the
    portfolio's folder and must stay inside it: an absolute path, or one that
    leaves the folder through ``..`` or a symbolic link, is refused, naming the
    key and the path. A portfolio that means to read files elsewhere says so
    with ``allow_outside = true`` at its top level. Anything that is not a
    regular file (a directory, FIFO or device) is refused as what it is, and
    the TOML file itself may be at most :data:`MAX_PORTFOLIO_BYTES`.

    Parameters
    ----------
    path : path
        The TOML file; history paths in it are relative to its folder.
    allow_outside : bool, optional
        None (the default): the file's own ``allow_outside`` key decides.
        False refuses paths outside the folder whatever the file says (for a
        service that reads portfolios it did not write); True allows them.

    Returns
    -------
    Portfolio

    Raises
    ------
    ForecastError
        One clear message naming the file and the entry at fault.

    Examples
    --------
    >>> p = read_portfolio("examples/portfolio.toml")
    >>> [t.name for t in p.teams]
    ['web', 'platform']
    """
    file = Path(path)
    doc = _load(file)
    where = Where(f"'{file}'")
    check_keys(where, "top level", doc, _TOP_KEYS)
    outside = bool(doc.get("allow_outside", False)) if allow_outside is None else allow_outside
    cache: dict[Any, History] = {}
    teams_raw = tables_at(where, doc, "team")
    if not teams_raw:
        raise where.error("top level", "no [[team]] entries; add at least one team")
    teams = []
    for i, table in enumerate(teams_raw, 1):
        name = text_at(where, f"team {i}", "name", table.get("name", ""))
        entry = f"team {name!r}" if name else f"team {i}"
        if not name:
            raise where.error(entry, "needs a name")
        check_keys(where, entry, table, _TEAM_KEYS)
        if "history" not in table:
            raise where.error(entry, "needs history = \"path/to/history.csv\"")
        source = confined_path(where, entry, "history", table["history"], file.parent, outside)
        try:
            history = _read_team_history(source, table, cache)
        except (InputFileError, ColumnError, DataError, ParameterError) as exc:
            raise exc.within(f"{where.source}, {entry}: ") from None
        since = table.get("since")
        if since is not None and "window" in table:
            raise where.error(entry, "give window or since, not both")
        teams.append(Team(
            name=name, history=history,
            window=(whole_at(where, entry, "window", table["window"], 1)
                    if "window" in table else None),
            since=None if since is None else date_at(where, entry, "since", since),
            wip=whole_at(where, entry, "wip", table.get("wip", 1), 1),
            capacity=capacity_at(where, entry, table.get("capacity")),
            method=text_at(where, entry, "method", table.get("method", "auto")).lower(),
        ))
    outcomes = []
    for i, table in enumerate(tables_at(where, doc, "outcome"), 1):
        name = text_at(where, f"outcome {i}", "name", table.get("name", ""))
        entry = f"outcome {name!r}" if name else f"outcome {i}"
        if not name:
            raise where.error(entry, "needs a name")
        check_keys(where, entry, table, _OUTCOME_KEYS)
        if "parts" in table:
            if "team" in table or "items" in table:
                raise where.error(entry, "give parts, or team and items, not both")
            if not isinstance(table["parts"], dict) or not table["parts"]:
                raise where.error(entry, "parts must be a table such as {web = 10, api = 4}")
            parts = []
            for team, items in table["parts"].items():
                size = size_at(where, f"{entry}, part {team!r}", items, None, None)
                parts.append(Part(str(team), size or Size(0, 0, True)))
        else:
            if "team" not in table:
                if len(teams) != 1:
                    raise where.error(entry, "needs team = \"NAME\" (or parts = {...})")
                team_name = teams[0].name
            else:
                team_name = text_at(where, entry, "team", table["team"])
            size = size_at(where, entry, table.get("items"), table.get("items_low"),
                         table.get("items_high"))
            parts = [Part(team_name, size or Size(0, 0, True))]
        depends = names_at(where, entry, "depends_on", table.get("depends_on", []))
        target = table.get("target")
        outcomes.append(Outcome(
            name=name, parts=tuple(parts),
            split=split_at(where, entry, table.get("split_low"), table.get("split_high")),
            depends_on=tuple(str(d) for d in depends),
            target=None if target is None else date_at(where, entry, "target", target),
            priority=(whole_at(where, entry, "priority", table["priority"], -10**9, 10**9)
                      if "priority" in table else i),
        ))
    risks = []
    for i, table in enumerate(tables_at(where, doc, "risk"), 1):
        name = text_at(where, f"risk {i}", "name", table.get("name", "")) or f"risk {i}"
        entry = f"risk {name!r}"
        check_keys(where, entry, table, _RISK_KEYS)
        risks.append(_risk(where, entry, name, table))
    settings = _settings(where, doc)
    portfolio = Portfolio(teams=tuple(teams), outcomes=tuple(outcomes), risks=tuple(risks),
                          source=str(file), **settings)
    check_portfolio(portfolio, where)
    return portfolio


def _risk(where: Where, entry: str, name: str, table: Mapping[str, Any]) -> Risk:
    if "outcome" not in table:
        raise where.error(entry, "needs outcome = \"NAME\"")
    prob = number_at(where, entry, "probability", table.get("probability"), 0.0, 1e9)
    if not 0.0 <= prob <= 1.0:
        raise where.error(entry, f"probability = {prob:g} is outside [0, 1]")
    if "delay_days" in table and "team" in table:
        raise where.error(entry, "team goes with items_low/items_high; a delay holds the "
                          "whole outcome")
    has_items = "items_low" in table or "items_high" in table
    if has_items == ("delay_days" in table):
        raise where.error(entry, "give either items_low/items_high or delay_days as the impact")
    if has_items:
        given_low = table.get("items_low", table.get("items_high"))
        low = whole_at(where, entry, "items_low", given_low, 0)
        high = whole_at(where, entry, "items_high", table.get("items_high", low), 0)
        if low > high:
            raise where.error(entry, f"items_low = {low} > items_high = {high}; swap them")
        team = table.get("team")
        return Risk(name, prob, text_at(where, entry, "outcome", table["outcome"]),
                    items=(low, high),
                    team=None if team is None else text_at(where, entry, "team", team))
    return Risk(name, prob, text_at(where, entry, "outcome", table["outcome"]),
                delay_days=whole_at(where, entry, "delay_days", table["delay_days"], 0, 2600))


def _settings(where: Where, doc: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "start" in doc:
        out["start"] = date_at(where, "top level", "start", doc["start"])
    if "trials" in doc:
        out["trials"] = whole_at(where, "top level", "trials", doc["trials"], 1, 100_000_000)
    if "seed" in doc:
        out["seed"] = whole_at(where, "top level", "seed", doc["seed"], 0, 2**64 - 1)
    if "percentiles" in doc:
        try:
            out["percentiles"] = check_levels(doc["percentiles"])
        except ParameterError as exc:
            raise where.error("top level", str(exc)) from None
    return out

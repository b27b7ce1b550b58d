"""What the commands read: a history, a holidays file, a portfolio (TOML or outcomes CSV).

Turns the reading options into the library's keyword arguments, and checks
the inputs that plan and report share before anything is read; the library
itself is imported inside the functions.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from forecast.cli.options import KEYWORD, ROUTE


def _holiday_dates(path: Path) -> list[dt.date]:
    from forecast.io.files import read_holidays_file

    return read_holidays_file(path)


def _reading(opts: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments of :func:`forecast.read_history` from the reading options."""
    holidays: Any = opts["country"]
    calendar: Any = opts["calendar"]
    if opts.get("holidays_file") is not None:
        from forecast.core.calendar import Calendar

        dates = _holiday_dates(opts["holidays_file"])
        calendar = Calendar.from_options(Calendar.from_options(opts["calendar"], holidays), dates)
        holidays = None
    if opts.get("window") is not None and opts.get("since") is not None:
        raise click.UsageError("give --window or --since, not both")
    return {"done_column": opts.get("done_column"), "date_format": opts.get("date_format"),
            "calendar": calendar, "holidays": holidays,
            "exclude_types": opts.get("exclude_type", ()), "tracker": opts.get("tracker", "auto")}


def read(opts: dict[str, Any], path: Path | None = None) -> Any:
    """Read the command's HISTORY (or ``path``) as its reading options say."""
    from forecast.io.readers import read_history

    return read_history(opts["history"] if path is None else path, **_reading(opts))


def question_kwargs(opts: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments of ``when`` and ``how_many`` (the window, engine and trials)."""
    return {
        "start": opts["start"],
        "window": opts["window"],
        "since": opts["since"],
        "percentiles": opts["percentiles"],
        "engine": opts["engine"],
        "trials": opts["trials"],
        "rng": opts["seed"],
        "method": opts["method"],
    }


def history_pairs(values: tuple[str, ...]) -> dict[str, Path]:
    """Parse the --history values (TEAM=PATH, or PATH alone for one team) by team."""
    pairs: dict[str, Path] = {}
    for value in values:
        name, sep, path = value.partition("=")
        if not sep:
            if len(values) > 1:
                raise click.BadParameter(
                    f"{value!r}: with several teams write TEAM=PATH", param_hint="'--history'"
                )
            name, path = "", value
        elif not name.strip():
            raise click.BadParameter(
                f"{value!r}: the team name before '=' is empty; write TEAM=PATH, or the "
                "PATH alone for one team", param_hint="'--history'")
        name, path = name.strip(), path.strip()
        if not path:
            raise click.BadParameter(
                f"{value!r}: the path is empty; write TEAM=PATH with the team's history "
                "file after '='" if sep else "the path is empty; give the team's history file",
                param_hint="'--history'")
        if name in pairs:
            raise click.BadParameter(f"team {name!r} is given twice; give each team once",
                                     param_hint="'--history'")
        pairs[name] = Path(path)
    return pairs


def is_outcomes_csv(path: Path) -> bool:
    """Return whether a CSV's header names an ``outcome`` column (an outcomes CSV)."""
    from forecast.io.files import path_kind

    if path_kind(path) is not None:  # a FIFO would block: the reader says what it is
        return False
    try:
        with open(path, encoding="utf-8-sig") as fh:
            header = fh.readline(65_536)
    except (OSError, UnicodeDecodeError):
        return False
    return "outcome" in [c.strip().strip('"').lower() for c in header.split(",")]


def refuse_toml_as_outcomes(outcomes: Path | None) -> None:
    """Refuse a TOML portfolio given as --outcomes (it is the argument)."""
    if outcomes is not None and outcomes.suffix.lower() == ".toml":
        raise click.UsageError(f"'{outcomes}' is a TOML portfolio: give it as the argument, "
                               "without --outcomes")


def _outcome_teams(path: Path) -> list[str]:
    """Return the distinct team names of an outcomes CSV, in order.

    Empty when the file cannot be read: the outcomes reader then says what is wrong.
    It is read by the shared reader, so a FIFO or a device is never opened.
    """
    from forecast.exceptions import ForecastError
    from forecast.io.files import parse_csv, read_text_file

    try:
        frame = parse_csv(read_text_file(path, "outcomes"), path, "outcomes")
    except ForecastError:
        return []
    team = next((c for c in frame.columns if str(c).strip().lower() == "team"), None)
    names: list[str] = []
    for value in ([] if team is None else frame[team]):
        name = str(value).strip()
        if name and name not in names:
            names.append(name)
    return names


def read_plan(opts: dict[str, Any], toml: Path | None, outcomes: Path | None,
              histories: dict[str, Path]) -> Any:
    """Read the portfolio of plan and report: a TOML file, or an outcomes CSV and histories."""
    from forecast.io.outcomes_csv import read_outcomes_csv
    from forecast.io.portfolio_toml import read_portfolio

    if outcomes is not None:
        if "" in histories:
            names = _outcome_teams(outcomes)
            if len(names) > 1:
                raise click.UsageError(
                    f"'{outcomes}' names {len(names)} teams ({', '.join(names)}); give each "
                    "its history as --history TEAM=PATH")
            histories = {names[0] if names else "team": histories[""]}
        return read_outcomes_csv(
            outcomes, histories,
            window=opts["window"], since=opts["since"],
            wip=opts["wip"], method=opts["method"], history_options=_reading(opts),
        )
    assert toml is not None
    ctx = click.get_current_context()
    given = {KEYWORD.get(p.name or "", p.name) for p in ctx.command.params
             if ctx.get_parameter_source(p.name or "") == click.core.ParameterSource.COMMANDLINE}
    ROUTE.update(toml=str(toml), given=given)
    return read_portfolio(toml)


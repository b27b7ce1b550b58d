"""Outcomes CSV: the portfolio as a spreadsheet, one row per outcome (or outcome and team)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from forecast.core.calendar import as_date
from forecast.core.history import History
from forecast.core.model import Outcome, Part, Portfolio, Size, Team
from forecast.exceptions import ColumnError, InputFileError, ParameterError, ref
from forecast.io.files import path_kind
from forecast.io.portfolio_checks import (
    Where,
    check_portfolio,
    date_at,
    size_at,
    split_at,
    whole_at,
)
from forecast.io.readers import read_csv, read_history

__all__ = ["OUTCOME_CSV_COLUMNS", "read_outcomes_csv"]


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

    Notes
    -----
    An outcomes CSV names no files (the histories come with it), so there is
    nothing to confine; a directory, FIFO or device is refused as what it
    is, and every cell is checked as the TOML's keys are (counts up to
    :data:`~forecast.core.checks.MAX_ITEMS`), naming the row and the column.

    Examples
    --------
    >>> p = read_outcomes_csv("examples/outcomes.csv", {"team": "examples/team.csv"})
    >>> [o.name for o in p.outcomes]
    ['Checkout redesign', 'Self-service returns', 'Loyalty points']
    """
    file = Path(path)
    kind = path_kind(file)
    if kind is not None:  # checked before opening: a FIFO would block
        raise InputFileError(f"outcomes file '{file}' is {kind}; give a CSV file")
    frame = read_csv(file, "outcomes")
    where = Where(f"'{file}'")
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
        raise ParameterError(f"an outcomes CSV needs team histories: {ref('histories')}",
                             parameter="histories")
    teams = []
    for name, source in histories.items():
        history = source if isinstance(source, History) else read_history(
            source, **dict(history_options or {}))
        teams.append(Team(str(name), history, window=window,
                          since=None if since is None else as_date(since, "since"), wip=wip,
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
        size = size_at(where, entry, cell.get("items") or None, cell.get("items_low") or None,
                     cell.get("items_high") or None)
        fields = {
            "split": split_at(where, entry, cell.get("split_low") or None,
                            cell.get("split_high") or None),
            "depends_on": tuple(d.strip() for d in cell.get("depends_on", "").split(";")
                                if d.strip()),
            "target": (date_at(where, entry, "target", cell["target"])
                       if cell.get("target") else None),
            "priority": (whole_at(where, entry, "priority", cell["priority"], -10**9, 10**9)
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

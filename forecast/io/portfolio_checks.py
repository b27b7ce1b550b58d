"""Checks of a portfolio's entries and of the whole portfolio, shared by the TOML and CSV readers.

Each check names the file and the entry at fault (:class:`Where`) and the key
or column as the user wrote it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from forecast.core.calendar import as_date
from forecast.core.checks import MAX_ITEMS
from forecast.core.model import CapacityRange, Portfolio, Size, Team
from forecast.exceptions import ColumnError, DataError, ParameterError
from forecast.sampling.methods import METHODS

__all__ = ["Where", "MAX_ITEMS", "MAX_FACTOR", "whole_at", "number_at", "text_at", "names_at",
           "tables_at", "date_at", "size_at", "split_at", "capacity_at", "refuse_unknown",
           "check_portfolio"]


class Where:
    """Build error messages that name the file and the entry at fault.

    Attributes
    ----------
    source : str
        The file as the messages name it, e.g. ``"'plan.toml'"``.

    Examples
    --------
    >>> where = Where("'plan.toml'")
    >>> where.error("team 'api'", "wip = 0 must be a whole number >= 1")
    DataError("'plan.toml', team 'api': wip = 0 must be a whole number >= 1")
    """

    def __init__(self, source: str) -> None:
        self.source = source

    def error(self, entry: str, message: str, cls: type[Exception] = DataError) -> Exception:
        """Return (not raise) a ``cls`` error naming the file, ``entry`` and ``message``.

        Examples
        --------
        >>> Where("'plan.toml'").error("top level", "no teams", ParameterError)
        ParameterError("'plan.toml', top level: no teams")
        """
        return cls(f"{self.source}, {entry}: {message}")


MAX_FACTOR = 10.0
"""Largest capacity factor or scope multiplier."""


def whole_at(where: Where, entry: str, key: str, value: Any, minimum: int,
           maximum: int = MAX_ITEMS) -> int:
    """Return ``value`` as an int, or raise if it is not a whole number in range.

    Parameters
    ----------
    where : Where
        The file, for the message.
    entry : str
        The entry at fault, for the message, e.g. ``"outcome 'a'"``.
    key : str
        The key or column as the user wrote it.
    value : int, float or str
        The value read; ``12``, ``12.0`` and ``"12"`` are all 12.
    minimum, maximum : int
        The allowed range, inclusive.

    Raises
    ------
    DataError
        ``value`` is not a whole number from ``minimum`` to ``maximum`` (or is a bool).

    Examples
    --------
    >>> where = Where("'plan.toml'")
    >>> whole_at(where, "team 'api'", "wip", "3", 1, 99)
    3
    >>> whole_at(where, "team 'api'", "wip", 2.5, 1, 99)  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    forecast.exceptions.DataError: 'plan.toml', team 'api': wip = 2.5 must be a whole number
    from 1 to 99
    """
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


def number_at(where: Where, entry: str, key: str, value: Any, low: float = 0.0,
            high: float = MAX_FACTOR) -> float:
    """Return ``value`` as a float, or raise if it is not a finite number from ``low`` to ``high``.

    Examples
    --------
    >>> where = Where("'plan.toml'")
    >>> number_at(where, "team 'api'", "factor", "0.5")
    0.5
    >>> number_at(where, "team 'api'", "factor", 12)  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    forecast.exceptions.DataError: 'plan.toml', team 'api': factor = 12 must be a number from 0
    to 10
    """
    try:
        if isinstance(value, bool):
            raise ValueError
        number = float(value)
    except (TypeError, ValueError):
        raise where.error(entry, f"{key} = {value!r} must be a number") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise where.error(entry, f"{key} = {value!r} must be a number from {low:g} to {high:g}")
    return number


def text_at(where: Where, entry: str, key: str, value: Any) -> str:
    """Return ``value`` as text without surrounding spaces, or raise if it is not text.

    A whole number is taken as text (a name such as ``2024``).

    Examples
    --------
    >>> where = Where("'plan.toml'")
    >>> text_at(where, "team 1", "name", " api ")
    'api'
    >>> text_at(where, "team 1", "name", ["api"])
    Traceback (most recent call last):
    ...
    forecast.exceptions.DataError: 'plan.toml', team 1: name = ['api'] must be text
    """
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise where.error(entry, f"{key} = {value!r} must be text")
    return str(value).strip()


def names_at(where: Where, entry: str, key: str, value: Any) -> list[str]:
    """Return a name or a list of names as a list, or raise if it is neither.

    Examples
    --------
    >>> where = Where("'plan.toml'")
    >>> names_at(where, "outcome 'b'", "depends_on", "a")
    ['a']
    >>> names_at(where, "outcome 'b'", "depends_on", [1])  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    forecast.exceptions.DataError: 'plan.toml', outcome 'b': depends_on = [1] must be a name or
    a list of names
    """
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise where.error(entry, f"{key} = {value!r} must be a name or a list of names")
    return list(value)


def tables_at(where: Where, doc: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    """Return the ``[[key]]`` tables of a TOML document (none when missing), or raise.

    Examples
    --------
    >>> where = Where("'plan.toml'")
    >>> tables_at(where, {"team": [{"name": "api"}]}, "team"), tables_at(where, {}, "risk")
    ([{'name': 'api'}], [])
    >>> tables_at(where, {"team": {"name": "api"}}, "team")
    Traceback (most recent call last):
    ...
    forecast.exceptions.DataError: 'plan.toml', top level: team must be [[team]] tables
    """
    value = doc.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise where.error("top level", f"{key} must be [[{key}]] tables")
    return value


def date_at(where: Where, entry: str, key: str, value: Any) -> dt.date:
    """Return ``value`` as a date (see :func:`~forecast.core.calendar.as_date`), or raise.

    Examples
    --------
    >>> where = Where("'plan.toml'")
    >>> date_at(where, "top level", "start", "2024-06-03")
    datetime.date(2024, 6, 3)
    >>> date_at(where, "top level", "start", "June 3")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    forecast.exceptions.DataError: 'plan.toml', top level: start = 'June 3' is not a date; write
    YYYY-MM-DD
    """
    try:
        return as_date(value, key)
    except ParameterError as exc:
        if "out of range" in str(exc):  # a date, outside the range every input shares
            raise where.error(entry, str(exc)) from None
        raise where.error(entry, f"{key} = {value!r} is not a date; write YYYY-MM-DD") from None


def size_at(where: Where, entry: str, items: Any, low: Any, high: Any) -> Size | None:
    """Return the size given as ``items`` (a count or ``[low, high]``) or as ``low``/``high``.

    Returns None when no size is given (it is then learnt from the history);
    raises when both forms are given, a bound is missing or the bounds are swapped.

    Examples
    --------
    >>> where = Where("'plan.toml'")
    >>> size_at(where, "outcome 'a'", [8, 12], None, None)
    Size(low=8, high=12, from_history=False)
    >>> size_at(where, "outcome 'a'", None, None, None) is None
    True
    >>> size_at(where, "outcome 'a'", None, 12, 8)  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    forecast.exceptions.DataError: 'plan.toml', outcome 'a': items_low = 12 > items_high = 8;
    swap them
    """
    if items is not None and (low is not None or high is not None):
        raise where.error(entry, "give items or items_low/items_high, not both")
    if items is not None:
        if isinstance(items, list):
            if len(items) != 2:
                raise where.error(entry, f"items = {items!r}: a range is [low, high]")
            low, high = items
        else:
            count = whole_at(where, entry, "items", items, 1)
            return Size(count, count)
    if low is None and high is None:
        return None
    if low is None or high is None:
        raise where.error(entry, "give both items_low and items_high")
    lo = whole_at(where, entry, "items_low", low, 1)
    hi = whole_at(where, entry, "items_high", high, 1)
    if lo > hi:
        raise where.error(entry, f"items_low = {lo} > items_high = {hi}; swap them")
    return Size(lo, hi)


def split_at(where: Where, entry: str, low: Any, high: Any) -> tuple[float, float] | None:
    """Return an outcome's split range ``(low, high)``, or None when neither is given.

    A missing ``low`` is 1 and a missing ``high`` is ``low``.

    Examples
    --------
    >>> where = Where("'plan.toml'")
    >>> split_at(where, "outcome 'a'", 1.2, None), split_at(where, "outcome 'a'", None, None)
    ((1.2, 1.2), None)
    >>> split_at(where, "outcome 'a'", 2, 1.5)  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    forecast.exceptions.DataError: 'plan.toml', outcome 'a': split_low = 2, split_high = 1.5:
    need 0 < low <= high
    """
    if low is None and high is None:
        return None
    lo = number_at(where, entry, "split_low", 1.0 if low is None else low)
    hi = number_at(where, entry, "split_high", lo if high is None else high)
    if lo <= 0 or lo > hi:
        raise where.error(entry, f"split_low = {lo:g}, split_high = {hi:g}: need 0 < low <= high")
    return (lo, hi)


def capacity_at(where: Where, entry: str, spans: Any) -> tuple[CapacityRange, ...]:
    """Return a team's ``capacity`` list of ``{from, to, factor}`` tables as ranges.

    Overlapping ranges are refused later, by :func:`check_portfolio`.

    Examples
    --------
    >>> where = Where("'plan.toml'")
    >>> capacity_at(where, "team 'api'", [{"from": "2024-08-01", "to": "2024-08-14",
    ...                                    "factor": 0.5}])
    (CapacityRange(first=datetime.date(2024, 8, 1), last=datetime.date(2024, 8, 14), factor=0.5),)
    >>> swapped = [{"from": "2024-08-14", "to": "2024-08-01", "factor": 0.5}]
    >>> capacity_at(where, "team 'api'", swapped)  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    forecast.exceptions.DataError: 'plan.toml', team 'api', capacity range 1: from 2024-08-14 is
    after to 2024-08-01; swap them
    """
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
        refuse_unknown(where, here, span, {"from", "to", "factor"})
        first = date_at(where, here, "from", span["from"])
        last = date_at(where, here, "to", span["to"])
        if date_at(where, here, "to", span["to"]) < first:
            raise where.error(here, f"from {first} is after to {last}; swap them")
        factor = number_at(where, here, "factor", span["factor"])
        ranges.append(CapacityRange(first, last, factor))
    # overlaps are refused by check_portfolio, which every portfolio goes through
    return tuple(ranges)


def refuse_unknown(where: Where, entry: str, table: Mapping[str, Any], allowed: set[str]) -> None:
    """Raise if ``table`` has a key outside ``allowed`` (a typo), naming the known keys.

    Examples
    --------
    >>> where = Where("'plan.toml'")
    >>> refuse_unknown(where, "team 'api'", {"name": "api"}, {"name", "wip"})
    >>> refuse_unknown(where, "team 'api'", {"name": "api", "wpi": 3}, {"name", "wip"})
    Traceback (most recent call last):
    ...
    forecast.exceptions.DataError: 'plan.toml', team 'api': unknown key 'wpi'; known keys: name, wip
    """
    extra = sorted(set(table) - allowed)
    if extra:
        raise where.error(
            entry, f"unknown key {extra[0]!r}; known keys: {', '.join(sorted(allowed))}"
        )


def check_portfolio(portfolio: Portfolio, where: Where | None = None) -> None:
    """Check names, references, sizes and dependencies; raise one clear error.

    Raises
    ------
    DataError
        Unknown team or outcome, duplicate name, a dependency cycle (named),
        or an outcome without a size whose team's history cannot give one.

    Examples
    --------
    >>> import forecast
    >>> from forecast.core.model import Outcome, Part, Portfolio, Size, Team
    >>> h = forecast.History.from_counts(["2024-06-03"], [2])
    >>> bad = Portfolio((Team("api", h),), (Outcome("a", (Part("web", Size(4, 4)),)),))
    >>> check_portfolio(bad)
    Traceback (most recent call last):
    ...
    forecast.exceptions.DataError: portfolio, outcome 'a': unknown team 'web'; teams are: api
    """
    where = where or Where(portfolio.source)
    teams: dict[str, Team] = {}
    for team in portfolio.teams:
        entry = f"team {team.name!r}"
        if team.name in teams:
            raise where.error(entry, "duplicate team name; names must be unique")
        teams[team.name] = team
        if team.method != "auto" and team.method not in METHODS:
            raise where.error(entry, f"method = {team.method!r} is not known; use "
                              f"{', '.join(METHODS)} or auto")
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
        loop = cycle if len(cycle) <= 9 else [*cycle[:4], "...", *cycle[-4:]]
        count = "" if len(cycle) <= 9 else f" ({len(cycle) - 1:,} outcomes)"
        raise where.error("outcomes", f"dependency cycle{count}: {' -> '.join(loop)}; "
                          "remove one of these dependencies")
    by_name = {o.name: o for o in portfolio.outcomes}
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
        match = by_name.get(risk.outcome)
        if match is None:
            raise where.error(entry, f"unknown outcome {risk.outcome!r}")
        if risk.team is not None and risk.team not in match.teams:
            raise where.error(entry, f"team {risk.team!r} has no part in {risk.outcome!r}; "
                              f"its teams: {', '.join(match.teams)}")


def _find_cycle(graph: Mapping[str, list[str]]) -> list[str] | None:
    """Return a dependency cycle as a list of names (first = last), or None.

    An iterative depth-first search (no recursion: a chain of any length is
    fine), linear in names and dependencies.

    Examples
    --------
    >>> _find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]})
    ['a', 'b', 'c', 'a']
    >>> _find_cycle({"a": [], "b": ["a"]}) is None
    True
    """
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    for root in graph:
        if root in state:
            continue
        path = [root]
        place = {root: 0}  # each name on the path, and where
        todo = [iter(graph.get(root, ()))]
        state[root] = 1
        while todo:
            nxt = next(todo[-1], None)
            if nxt is None:
                done = path.pop()
                del place[done]
                state[done] = 2
                todo.pop()
            elif state.get(nxt) == 1:
                return path[place[nxt]:] + [nxt]
            elif nxt not in state:
                state[nxt] = 1
                place[nxt] = len(path)
                path.append(nxt)
                todo.append(iter(graph.get(nxt, ())))
    return None

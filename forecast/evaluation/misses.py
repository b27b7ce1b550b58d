"""Where a team's own backtest shows a stated 85% that held under 75% of the time.

``forecast check`` reads the backtest that ``method="auto"`` chose its
configuration by (its ``AutoChoice.result``): for the configuration it chose,
each P85 statement, at each How-many horizon and for the When batch, in both
directions. A statement that held in under :data:`MISS_BELOW` of at least
:data:`MIN_MISS_ORIGINS` origins is a warning: the forecasts made this way
have not meant what they said on this team's past.

- ``"backtest-optimistic"``: "85% chance of N or more" (When: "of being done
  by the date") held too rarely: the team delivered less, or later, than the
  forecasts promised.
- ``"backtest-pessimistic"``: "85% chance of at most N" (When: "of not being
  done before the date") held too rarely: the team delivered more, or
  sooner.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from forecast.evaluation.origins import MIN_ORIGINS
from forecast.exceptions import ParameterError
from forecast.notes import Note, warning

if TYPE_CHECKING:
    from forecast.evaluation.backtest import BacktestResult

__all__ = ["Held", "held_statements", "miss_warnings", "MISS_LEVEL", "MISS_BELOW",
           "MIN_MISS_ORIGINS"]

MISS_LEVEL = 85
"""The stated level whose statements are read."""

MISS_BELOW = 0.75
"""A stated 85% that held in fewer than this share of origins is a warning."""

MIN_MISS_ORIGINS = MIN_ORIGINS
"""A statement scored over fewer origins than this is too thin to warn on."""

_STATEMENTS = {
    ("how-many", "at_least"): "85% chance of N or more",
    ("how-many", "at_most"): "85% chance of at most N",
    ("when", "at_least"): "85% chance of being done by the date",
    ("when", "at_most"): "85% chance of not being done before the date",
}

_SHORT = {("how-many", "at_least"): "N or more", ("how-many", "at_most"): "at most N",
          ("when", "at_least"): "done by the date", ("when", "at_most"): "not done before it"}


@dataclass(frozen=True)
class Held:
    """How often one P85 statement of a backtest's chosen configuration held.

    Attributes
    ----------
    question : {"how-many", "when"}
    horizon : int
        Working days (How many) or the batch's items (When).
    direction : {"at_least", "at_most"}
        Which statement: "N or more" / "done by the date", or "at most N" /
        "not done before the date".
    held : float
        The share of origins where it came true.
    origins : int
        How many origins it was scored over.
    """

    question: str
    horizon: int
    direction: str
    held: float
    origins: int

    @property
    def statement(self) -> str:
        """The statement, as a forecast says it."""
        return _STATEMENTS[(self.question, self.direction)]

    @property
    def short(self) -> str:
        """The statement in a few words: ``N or more``, ``done by the date``..."""
        return _SHORT[(self.question, self.direction)]

    @property
    def where(self) -> str:
        """The horizon, as a sentence names it: ``in 20 working days``, ``for 22 items``."""
        if self.question == "when":
            return f"for {self.horizon:,} items"
        return f"in {self.horizon} working days"

    @property
    def missed(self) -> bool:
        """Whether it held under :data:`MISS_BELOW` over enough origins to say so."""
        return self.held < MISS_BELOW and self.origins >= MIN_MISS_ORIGINS

    def to_dict(self) -> dict[str, Any]:
        """Return it as JSON-ready values."""
        return {"question": self.question, "horizon": self.horizon,
                "statement": self.statement, "held": self.held, "origins": self.origins,
                "missed": self.missed}


def held_statements(result: BacktestResult) -> tuple[Held, ...]:
    """Return the P85 statements of the configuration ``result`` recommends.

    That configuration (:attr:`~forecast.evaluation.backtest.BacktestResult.best`)
    is the one ``auto`` forecasts with. How many at each horizon, then When
    for the batch; "N or more" before "at most" at each.

    Examples
    --------
    >>> import forecast
    >>> from forecast.evaluation.backtest import backtest
    >>> h = forecast.read_history("examples/team.csv")
    >>> r = backtest(h, start="2024-06-03", methods=("daily",), windows=(30,), horizons=(10,),
    ...              max_origins=12, levels=(85,), recalibrated=False)
    >>> [(s.horizon, s.statement, round(s.held, 2), s.origins) for s in held_statements(r)]
    ... # doctest: +NORMALIZE_WHITESPACE
    [(10, '85% chance of N or more', 0.92, 12), (10, '85% chance of at most N', 0.75, 12),
     (27, '85% chance of being done by the date', 0.91, 11),
     (27, '85% chance of not being done before the date', 0.73, 11)]
    """
    if MISS_LEVEL not in result.levels:
        return ()
    method, window = result.best
    keys = [("how-many", h) for h in result.horizons]
    if result.batch:
        keys.append(("when", result.batch))
    out = []
    for question, horizon in keys:
        try:
            score = result.score(method, window, horizon, question)
        except ParameterError:
            continue
        for direction, shares in (("at_least", score.at_least), ("at_most", score.at_most)):
            out.append(Held(question, horizon, direction, float(shares[MISS_LEVEL]),
                            score.origins))
    return tuple(out)


def _said(missed: list[Held]) -> str:
    """One statement's misses: ``"85% ..." held 67% in 10 working days, 63% in 20 (52 origins)``."""
    parts = [f"{h.held:.0%} {h.where}" if i == 0 or h.question == "when"
             else f"{h.held:.0%} in {h.horizon}" for i, h in enumerate(missed)]
    counts = {h.origins for h in missed}
    if len(counts) == 1:
        origins = f" ({missed[0].origins} origins{' each' if len(missed) > 1 else ''})"
    else:
        parts = [f"{p} ({h.origins} origins)" for p, h in zip(parts, missed, strict=True)]
        origins = ""
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f'"{missed[0].statement}" held {listed}{origins}'


def miss_warnings(result: BacktestResult | None) -> tuple[Note, ...]:
    """Warn where the chosen configuration's stated 85% held under 75% of the time.

    One warning per direction (see the module's docstring for the codes),
    naming each statement that missed, its horizon, the share of origins
    where it held and how many origins there were, and what to do.

    Examples
    --------
    >>> import forecast
    >>> from forecast.evaluation.backtest import backtest
    >>> h = forecast.read_history("examples/team.csv")
    >>> r = backtest(h, start="2024-06-03", methods=("daily",), windows=(30,), horizons=(10,),
    ...              max_origins=12, levels=(85,), recalibrated=False)
    >>> [w.code for w in miss_warnings(r)]
    ['backtest-pessimistic']
    >>> print(miss_warnings(r)[0])  # doctest: +NORMALIZE_WHITESPACE
    the team's own backtest (daily, 30-day window, 12 weekly origins): a stated 85% held
    under 75%: "85% chance of not being done before the date" held 73% for 27 items (11
    origins): the team delivered more, or sooner, than these forecasts allowed; read the P85 as
    conservative, look for a rise in throughput (--since samples only the new regime), and
    compare other windows and methods with forecast backtest
    >>> miss_warnings(None)
    ()
    """
    if result is None:
        return ()
    held = held_statements(result)
    if not any(h.missed for h in held):
        return ()
    method, window = result.best
    weekly = " weekly" if result.settings.get("step", 7) == 7 else ""
    by = (f"the team's own backtest ({method}, {window}-day window, "
          f"{len(result.origins)}{weekly} origins)")
    out = []
    for direction, code, meaning, advice in (
        ("at_least", "backtest-optimistic",
         "the team delivered less, or later, than these forecasts promised",
         "commit to the P95 rather than the P85, and compare other windows and methods "
         "with forecast backtest"),
        ("at_most", "backtest-pessimistic",
         "the team delivered more, or sooner, than these forecasts allowed",
         "read the P85 as conservative, look for a rise in throughput (--since samples only "
         "the new regime), and compare other windows and methods with forecast backtest"),
    ):
        missed = [h for h in held if h.direction == direction and h.missed]
        if not missed:
            continue
        said = "; ".join(_said([h for h in missed if h.statement == s])
                         for s in dict.fromkeys(h.statement for h in missed))
        out.append(warning(f"{by}: a stated 85% held under {MISS_BELOW:.0%}: {said}: "
                           f"{meaning}; {advice}", code))
    return tuple(out)

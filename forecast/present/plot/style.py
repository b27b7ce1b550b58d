"""What the plots share: the axes to draw on, the date axis, the colours and the levels.

matplotlib is imported inside the functions, so importing this module loads
none of it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from forecast.core.checks import plural

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["LINE_COLOURS", "STATUS_COLOURS", "STATUS_TEXT", "BURNUP_LEVELS",
           "PORTFOLIO_LEVELS", "LITERAL_TEXT", "axes_or_new", "items_text", "date_axis",
           "literal", "draws_literally"]

_P = ParamSpec("_P")
_R = TypeVar("_R")

LINE_COLOURS = {50: "#2b8cbe", 70: "#7b3294", 85: "#d7301f", 95: "#525252"}
"""The colour of each percentile level's line or mark (other levels: ``#444444``)."""

STATUS_COLOURS = {"on track": "#1a9850", "watch": "#fdae61", "at risk": "#d73027",
                  "no target": "#969696"}
"""The colour of a plan outcome's bar, by its status."""

STATUS_TEXT = {**STATUS_COLOURS, "watch": "#e08214"}
"""The colour of a status written as text (watch is darker there, to read)."""

BURNUP_LEVELS = (50.0, 85.0, 95.0)
"""Levels of the burn-up fan: the median and the two cautious "at least" levels."""

PORTFOLIO_LEVELS = (50.0, 85.0, 95.0)
"""The portfolio bar runs from the first level to the last; the middle one is marked."""


LITERAL_TEXT: dict[Any, Any] = {"text.parse_math": False, "text.usetex": False}
"""matplotlib settings under which text is drawn as written: no mathtext, no TeX.

Names come from the user (teams, outcomes, files): ``Tier A_$$_B`` would
otherwise be read as mathtext, and fail to draw.
"""


def literal(figure: Any) -> None:
    """Draw every text of ``figure`` (titles, labels, ticks, legends, notes) as written.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> ax = fig.add_subplot()
    >>> label = ax.set_title("Tier A_$$_B")
    >>> literal(fig)
    >>> label.get_parse_math(), label.get_usetex()
    (False, False)
    """
    from matplotlib.text import Text

    for text in figure.findobj(Text):
        text.set_usetex(False)
        text.set_parse_math(False)


def draws_literally(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Make a plot function draw all its text as written (see :data:`LITERAL_TEXT`).

    The function runs under :data:`LITERAL_TEXT`, and every text of the
    figure of the axes it returns is then set to be drawn literally (a name
    with two ``$`` is not mathtext).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> @draws_literally
    ... def titled(name):
    ...     _, ax = plt.subplots()
    ...     ax.set_title(name)
    ...     return ax
    >>> ax = titled("Tier A_$$_B")
    >>> ax.title.get_parse_math(), ax.title.get_text()
    (False, 'Tier A_$$_B')
    >>> plt.close(ax.figure)
    """

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        import matplotlib

        with matplotlib.rc_context(LITERAL_TEXT):
            ax = func(*args, **kwargs)
        literal(getattr(ax, "figure", None) or ax)
        return ax

    return wrapper


def axes_or_new(ax: Any, figsize: tuple[float, float] = (8, 4.2)) -> Axes:
    """Return ``ax``, or the axes of a new pyplot figure of ``figsize`` when it is None.

    Parameters
    ----------
    ax : matplotlib.axes.Axes or None
        The axes the caller gave.
    figsize : (float, float)
        Width and height in inches of a new figure.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from forecast.present.plot.style import axes_or_new
    >>> ax = axes_or_new(None, (6, 3))
    >>> ax.figure.get_size_inches().tolist(), axes_or_new(ax) is ax
    ([6.0, 3.0], True)
    >>> plt.close(ax.figure)
    """
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new_ax = plt.subplots(figsize=figsize)
    return new_ax


def items_text(n: int) -> str:
    """Write a count of items, with the thousands separated and the plural right.

    Parameters
    ----------
    n : int
        The count.

    Returns
    -------
    str

    Examples
    --------
    >>> from forecast.present.plot.style import items_text
    >>> items_text(1), items_text(1250)
    ('1 item', '1,250 items')
    """
    return plural(n, "item", thousands=True)


def date_axis(ax: Axes, axis: str = "x") -> None:
    """Dates on ``axis`` in matplotlib's concise format (no rotated, overlapping labels).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes whose dates to format.
    axis : {"x", "y"}
        Which of its axes holds the dates.

    Examples
    --------
    >>> import datetime as dt
    >>> from matplotlib.figure import Figure
    >>> from forecast.present.plot.style import date_axis
    >>> ax = Figure().add_subplot()
    >>> _ = ax.plot([dt.date(2024, 6, 3), dt.date(2024, 9, 2)], [0, 1])
    >>> date_axis(ax)
    >>> ax.figure.draw_without_rendering()
    >>> ax.xaxis.get_major_formatter().get_offset()   # the year once, not "2024-Sep"
    '2024'
    """
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    target = ax.xaxis if axis == "x" else ax.yaxis
    locator = AutoDateLocator(minticks=4, maxticks=9)
    target.set_major_locator(locator)
    # Day ticks read "Jul 15" rather than a bare "15", and the offset (the context
    # written once at the axis end) is the year alone: matplotlib's default "2024-Sep"
    # repeats the month the ticks already name, and names only the last tick's month.
    target.set_major_formatter(ConciseDateFormatter(
        locator,
        formats=["%Y", "%b", "%b %d", "%H:%M", "%H:%M", "%S.%f"],
        zero_formats=["", "%Y", "%b %d", "%b %d", "%H:%M", "%H:%M"],
        offset_formats=["", "%Y", "%Y", "%Y-%m-%d", "%Y-%m-%d", "%Y-%m-%d %H:%M"]))

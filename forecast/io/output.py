"""Writing outputs: atomically, never over an input, cells no spreadsheet takes for a formula."""

from __future__ import annotations

import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from forecast.exceptions import OutputError, ref

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["write_atomic", "check_output", "spreadsheet_safe", "csv_cell", "csv_text",
           "LINE_BREAKS"]


LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
"""The characters that end a line for some reader: the CSV module and spreadsheets (CR, LF),
:meth:`str.splitlines` (also VT, FF, FS, GS, RS, NEL) and Unicode (LS, PS)."""

_LINE_BREAK = re.compile(f"\r\n|[{LINE_BREAKS}]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f]")  # the other C0 controls (not tab)
_FORMULA_SIGNS = frozenset("=+-@")


def _formula_lead(text: str) -> bool:
    """Whether the first visible character of ``text`` is a formula sign, in any width.

    Leading white space and invisible characters (controls, format characters
    such as a zero-width space or a byte-order mark) are skipped, since some
    spreadsheets and importers trim them; the character found is compared
    after NFKC normalisation, which folds the full-width and small forms
    (``＝ ＋ － ＠``, ``﹦ ﹢ ﹣ ﹫``) into ``= + - @``.
    """
    for char in text:
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
            continue
        return unicodedata.normalize("NFKC", char)[:1] in _FORMULA_SIGNS
    return False


def spreadsheet_safe(value: object) -> object:
    r"""Return ``value`` so that no spreadsheet reads it as a formula.

    Text whose first visible character is ``=``, ``+``, ``-`` or ``@`` (or
    their full-width forms ``＝ ＋ － ＠``), after any leading white space,
    and text that starts with a tab or a carriage return, gets a leading
    apostrophe (OWASP's advice on CSV injection). Anything that is not text,
    a number in particular, is returned unchanged: ``-3`` stays a number.

    Examples
    --------
    >>> spreadsheet_safe("=HYPERLINK(1)")
    "'=HYPERLINK(1)"
    >>> spreadsheet_safe(" =1+4"), spreadsheet_safe("＝1+4")
    ("' =1+4", "'＝1+4")
    >>> spreadsheet_safe("web-app"), spreadsheet_safe(-3)
    ('web-app', -3)
    """
    if isinstance(value, str) and (value.startswith(("\t", "\r")) or _formula_lead(value)):
        return "'" + value
    return value


def csv_cell(value: object) -> object:
    r"""Return ``value`` as a CSV cell that stays on its row and is never a formula.

    Every text cell of every CSV that :mod:`forecast` writes goes through
    this function. In text, each line break (CR, LF or CR LF, and the other
    :data:`LINE_BREAKS`) becomes one space, so that one row is always one
    line for every reader; any other control character but tab becomes
    U+FFFD (``\ufffd``); then :func:`spreadsheet_safe` neutralises a formula
    lead. Anything that is not text (numbers, missing values) is returned
    unchanged.

    Examples
    --------
    >>> csv_cell("web\r=2+2"), csv_cell("Checkout\r\nAPI"), csv_cell("a\u2028b")
    ('web =2+2', 'Checkout API', 'a b')
    >>> csv_cell("\n=1+1"), csv_cell(-3), csv_cell(None) is None
    ("' =1+1", -3, True)
    """
    if not isinstance(value, str):
        return value
    return spreadsheet_safe(_CONTROL.sub("\ufffd", _LINE_BREAK.sub(" ", value)))


def csv_text(frame: pd.DataFrame) -> str:
    r"""Return a frame as CSV text (no index, ``\n`` line ends), every text cell safe.

    Each text cell, and each column name, goes through :func:`csv_cell`;
    numbers, dates written by pandas and missing values are written as they
    are, so a numeric column keeps its negative numbers.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"outcome": ["=cmd()", "web\r=2+2"], "days": [-3, 4]})
    >>> print(csv_text(frame), end="")
    outcome,days
    '=cmd(),-3
    web =2+2,4
    """
    import pandas as pd

    frame = frame.copy()
    for col in frame.columns:
        column = frame[col]
        if (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)
                or isinstance(column.dtype, pd.CategoricalDtype)):
            frame[col] = column.astype(object).map(csv_cell)
    frame.columns = [csv_cell(str(c)) for c in frame.columns]
    return str(frame.to_csv(index=False, lineterminator="\n"))


def check_output(
    path: str | os.PathLike[str], *, protect: Iterable[str | os.PathLike[str]] = ()
) -> Path:
    """Check that ``path`` can be written as an output, before any work is done.

    Raises
    ------
    OutputError
        When ``path`` is an input file, a directory, a device or other special
        file, or lies in a directory that does not exist.

    Examples
    --------
    >>> check_output("/nonexistent-dir/out.csv")
    Traceback (most recent call last):
    ...
    forecast.exceptions.OutputError: output directory '/nonexistent-dir' does not exist; ...
    """
    target = Path(path)
    for other in protect:
        if Path(other).exists() and target.exists() and target.resolve() == Path(other).resolve():
            raise OutputError(
                f"output '{target}' is an input file; refusing to overwrite it, "
                "choose another output path"
            )
    if target.exists() and not stat.S_ISREG(target.stat().st_mode):
        raise OutputError(
            f"output '{target}' exists and is not a regular file; give a file path "
            f"(leave out {ref('output')} to print to the terminal)"
        )
    if target.is_symlink():
        raise OutputError(f"output '{target}' is a symbolic link; give the real file's path")
    parent = target.parent
    if not parent.is_dir():
        raise OutputError(f"output directory '{parent}' does not exist; create it first")
    return target


def write_atomic(
    path: str | os.PathLike[str],
    data: str | bytes,
    *,
    protect: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Write ``data`` to ``path`` atomically: a temporary file, then a rename.

    The new file gets the permissions of the file it replaces, or the usual
    ones for a new file (``0o666`` less the umask).

    Parameters
    ----------
    path : path
        Where to write (see :func:`check_output` for what is refused).
    data : str or bytes
        The whole content.
    protect : iterable of paths
        Input files that must never be overwritten.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.csv"
    >>> write_atomic(target, "a,b\\n1,2\\n").read_text()
    'a,b\\n1,2\\n'
    """
    target = check_output(path, protect=protect)
    if target.exists():
        mode = stat.S_IMODE(target.stat().st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    payload = data.encode("utf-8") if isinstance(data, str) else data
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise OutputError(
            f"cannot write '{target}': {exc.strerror or exc}; choose another path"
        ) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
    return target

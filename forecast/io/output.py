"""Writing outputs: atomically, never over an input, cells no spreadsheet takes for a formula."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from forecast.exceptions import OutputError, ref

if TYPE_CHECKING:

    pass

__all__ = ["write_atomic", "check_output", "spreadsheet_safe"]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Return ``value`` so that no spreadsheet reads it as a formula.

    Text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return gets a leading apostrophe. Numbers are returned unchanged.

    Examples
    --------
    >>> spreadsheet_safe("=HYPERLINK(1)")
    "'=HYPERLINK(1)"
    >>> spreadsheet_safe(-3)
    -3
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


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

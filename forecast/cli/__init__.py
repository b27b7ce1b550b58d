"""The ``forecast`` command line (see :mod:`forecast.cli.app`).

Importing this package imports nothing else: :func:`main`, the console
script's entry point, takes SIGINT over before it imports the command line
itself (click, then the library), so that a Ctrl-C from its first line on
ends in one line and status 130.
"""

from __future__ import annotations

import _signal  # the C module: builtin, instant (signal.py would import enum first)
import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["cli", "main"]


def _early_sigint(signum: int, frame: Any) -> None:
    """Answer a Ctrl-C that arrives while the command line is still being imported."""
    try:
        os.write(2, b"forecast: interrupted; no output was written\n")
    finally:
        os._exit(130)


def main() -> None:
    """Run the ``forecast`` console script (see :func:`forecast.cli.app.main`).

    Examples
    --------
    >>> import forecast.cli
    >>> callable(forecast.cli.main), forecast.cli.cli.name
    (True, 'cli')
    """
    if _signal.getsignal(_signal.SIGINT) is not _signal.SIG_IGN:  # ignored at start: stays so
        _signal.signal(_signal.SIGINT, _early_sigint)
    from forecast.cli.app import main as run

    run()


def __getattr__(name: str) -> Any:
    if name == "cli":  # the click group, imported when asked for
        from forecast.cli.app import cli

        return cli
    raise AttributeError(f"module 'forecast.cli' has no attribute {name!r}")

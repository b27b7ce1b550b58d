"""The ``forecast`` command line (see :mod:`forecast.cli.app`).

Importing this package imports nothing else: :func:`main`, the console
script's entry point, takes SIGINT over before it imports the command line
itself (click, then the library), so that a Ctrl-C from its first line on
ends in one line and status 130.
"""

from __future__ import annotations

import os
import signal
from typing import Any

__all__ = ["cli", "main"]


def _early_sigint(signum: int, frame: Any) -> None:
    """Answer a Ctrl-C that arrives while the command line is still being imported."""
    os.write(2, b"forecast: interrupted; no output was written\n")
    os._exit(130)


def main() -> None:
    """Run the ``forecast`` console script (see :func:`forecast.cli.app.main`).

    Examples
    --------
    >>> import forecast.cli
    >>> callable(forecast.cli.main), forecast.cli.cli.name
    (True, 'cli')
    """
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:  # ignored at start: stays so
        signal.signal(signal.SIGINT, _early_sigint)
    from forecast.cli.app import main as run

    run()


def __getattr__(name: str) -> Any:
    if name == "cli":  # the click group, imported when asked for
        from forecast.cli.app import cli

        return cli
    raise AttributeError(f"module 'forecast.cli' has no attribute {name!r}")

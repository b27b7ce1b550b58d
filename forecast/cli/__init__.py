"""The ``forecast`` command line (see :mod:`forecast.cli.app`)."""

from forecast.cli.app import cli, main

__all__ = ["cli", "main"]

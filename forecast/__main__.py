"""Run the command line with ``python -m forecast``."""

from forecast.cli import main

main()

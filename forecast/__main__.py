"""Run the command line with ``python -m forecast``."""

from forecast.cli.app import main

main()

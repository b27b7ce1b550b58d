"""The commands of ``forecast``, one module each; :mod:`forecast.cli.app` adds them to the group.

Each module imports only click and the command line's own modules at its top,
and the library inside its command, so that ``forecast --help`` loads neither
numpy nor pandas.
"""

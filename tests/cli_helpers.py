"""Helpers the command-line tests share (the ``run`` fixture is in conftest.py)."""

from __future__ import annotations

from typing import Any


def invoke(*args: Any) -> Any:
    """Run the command line in-process on ``args`` (each turned to text), as ``forecast``."""
    from click.testing import CliRunner

    from forecast.cli.app import cli

    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="forecast")


def one_line_error(result: Any, *fragments: str) -> str:
    """Exit 2, nothing on stdout, one line on stderr with each fragment, no traceback."""
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    err = result.stderr
    assert "Traceback" not in result.output
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("forecast: error: ")
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    return err

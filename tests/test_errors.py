"""Errors carry the parameter they concern, and each front end names it in its own terms.

The library names the keyword, the command line the flag, a TOML portfolio its
key (and the team); a flag given on the command line wins over the file's key.
"""

import shutil

import pytest
from click.testing import CliRunner

import forecast
from forecast.cli.app import cli
from forecast.exceptions import EmptyWindowError, ParameterError

TEAM = "examples/team.csv"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def error_line(result):
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("forecast: error: "), result.stderr
    return lines[0]


def toml(tmp_path, team_extra=""):
    shutil.copy(TEAM, tmp_path / "team.csv")
    path = tmp_path / "p.toml"
    path.write_text(f'start = 2024-06-03\n[[team]]\nname = "web"\nhistory = "team.csv"\n'
                    f'{team_extra}\n[[outcome]]\nname = "A"\nteam = "web"\nitems = 5\n')
    return path


def bulk_close(tmp_path):
    path = tmp_path / "bulk.csv"
    path.write_text("date,count\n2024-05-30,3\n2024-05-31,1000000\n")
    return path


def test_the_library_names_the_keyword(tmp_path):
    with pytest.raises(ParameterError, match=r"use engine='mc', or check") as info:
        forecast.how_many(bulk_close(tmp_path), days=60, start="2024-06-03", window=7,
                          method="daily", engine="exact")
    assert info.value.parameter == "engine"
    with pytest.raises(ParameterError, match=r"widen window$") as info:
        forecast.when(TEAM, 5, start="2024-06-03", method="weekly", window=8)
    assert info.value.parameter == "window"
    with pytest.raises(ParameterError) as info:
        forecast.when(TEAM, 0)
    assert info.value.parameter == "items"


def test_the_command_line_names_the_flag(tmp_path):
    line = error_line(run("how-many", bulk_close(tmp_path), "--days", 60, "--start",
                          "2024-06-03", "--window", 7, "--method", "daily", "--engine", "exact"))
    assert "use --engine mc, or check" in line
    line = error_line(run("when", TEAM, "-n", 5, "--start", "2024-06-03", "--method",
                          "weekly", "--window", 8))
    assert line.endswith("widen --window")


def test_a_toml_problem_names_the_key_and_the_team(tmp_path):
    line = error_line(run("plan", toml(tmp_path, 'method = "weekly"\nwindow = 8')))
    assert "team 'web': method 'weekly' needs at least 2 whole weeks" in line
    assert line.endswith("widen window")  # the [[team]] key, not --window


def test_a_flag_given_on_the_command_line_is_named_as_a_flag(tmp_path):
    path = toml(tmp_path, 'method = "daily"\nwindow = 30')
    line = error_line(run("plan", path, "--start", "2030-01-01"))
    assert line.endswith("the history ends on 2024-05-30: widen window, use since, or set "
                         "--start 2024-05-31")  # window and since: keys; start: the flag given
    path.write_text(path.read_text().replace("start = 2024-06-03", "start = 2030-01-01"))
    line = error_line(run("plan", path))
    assert line.endswith("widen window, use since, or set start = 2024-05-31")


def test_the_reference_spelling_is_the_errors_own_not_its_text():
    error = EmptyWindowError("a team named \x1fnot-a-reference\x1f stays as written")
    assert "not-a-reference" in str(error)
    from forecast.exceptions import ref
    with pytest.raises(ValueError):
        ref("not_a_parameter")

"""Reading portfolios (TOML and outcomes CSV), and the plan command's errors and outputs."""

import json
import shutil
import textwrap

import pytest

import forecast
from tests.cli_helpers import invoke as run
from tests.cli_helpers import one_line_error

HEAD = textwrap.dedent(
    """
    start = 2024-06-03
    trials = 500
    seed = 3

    [[team]]
    name = "web"
    history = "team.csv"
    wip = 2

    [[team]]
    name = "api"
    history = "team.csv"
    """
)


@pytest.fixture
def folder(tmp_path):
    shutil.copy("examples/team.csv", tmp_path / "team.csv")
    return tmp_path


def write(folder, body, name="p.toml"):
    path = folder / name
    path.write_text(HEAD + textwrap.dedent(body))
    return path


GOOD = """
[[outcome]]
name = "A"
team = "web"
items = 10
target = 2024-07-01

[[outcome]]
name = "B"
parts = { web = 5, api = [4, 8] }
depends_on = ["A"]
split_low = 1.0
split_high = 1.2
target = 2024-08-01

[[risk]]
name = "late"
outcome = "B"
probability = 0.5
delay_days = 5
"""


def test_read_portfolio(folder):
    p = forecast.read_portfolio(write(folder, GOOD))
    assert [t.name for t in p.teams] == ["web", "api"] and p.teams[0].wip == 2
    assert p.teams[0].history is p.teams[1].history  # one read per file and options
    b = p.outcomes[1]
    assert b.teams == ("web", "api") and b.parts[1].size.low == 4 and b.parts[1].size.high == 8
    assert b.depends_on == ("A",) and b.split == (1.0, 1.2) and b.priority == 2
    assert p.risks[0].delay_days == 5 and p.trials == 500 and p.seed == 3


def test_plan_command_outputs(folder):
    path = write(folder, GOOD)
    r = run("plan", path, "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert [o["name"] for o in doc["outcomes"]] == ["A", "B"]
    first = doc["outcomes"][0]
    for key in ("name", "teams", "percentiles", "target", "probability", "status",
                "not_within_horizon"):
        assert key in first
    assert set(first["percentiles"][0]) >= {"p", "date", "days", "low_days", "high_days"}
    assert set(doc["joint"]) >= {"probability", "all_done_p85"}
    assert doc["trials"] == 500 and doc["seed"] == 3 and isinstance(doc["warnings"], list)
    r = run("plan", path, "--format", "csv")
    lines = r.stdout.splitlines()
    assert lines[0] == ("outcome,teams,items,p50,p70,p85,p95,target,probability,status,"
                        "not_within_horizon")
    assert len(lines) == 3
    r = run("plan", path, "--trials", 200, "--seed", 9)
    assert "Joint:" in r.stdout and "200 trials, seed 9" in r.stdout


def test_plan_plot(folder):
    path = write(folder, GOOD)
    png = folder / "plan.png"
    r = run("plan", path, "--plot", png)
    assert r.exit_code == 0 and png.read_bytes()[:4] == b"\x89PNG"


def test_outcomes_csv(folder):
    csv = folder / "o.csv"
    csv.write_text("outcome,team,items,items_low,items_high,depends_on,target,priority\n"
                   "A,web,10,,,,2024-07-01,2\n"
                   "B,web,,4,8,A,,1\n"
                   "B,api,3,,,,,\n")
    p = forecast.read_outcomes_csv(csv, {"web": folder / "team.csv", "api": folder / "team.csv"})
    assert [o.name for o in p.outcomes] == ["A", "B"]
    assert p.outcomes[1].teams == ("web", "api") and p.outcomes[1].priority == 1
    r = run("plan", "--outcomes", csv, "--history", f"web={folder / 'team.csv'}",
            "--history", f"api={folder / 'team.csv'}", "--start", "2024-06-03",
            "--trials", 300, "--format", "json")
    assert r.exit_code == 0, r.output
    assert [o["name"] for o in json.loads(r.stdout)["outcomes"]] == ["B", "A"]  # priority


def test_outcomes_csv_single_history(folder):
    csv = folder / "o.csv"
    csv.write_text("outcome,items\nA,5\nB,7\n")
    r = run("plan", "--outcomes", csv, "--history", folder / "team.csv", "--start",
            "2024-06-03", "--trials", 100)
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        ('[[outcome]]\nname = "A"\nteam = "mobile"\nitems = 3\n',
         ["p.toml', outcome 'A': unknown team 'mobile'; teams are: web, api"]),
        ('[[outcome]]\nname = "A"\nteam = "web"\nitems = 3\ndepends_on = ["Z"]\n',
         ["outcome 'A': depends on unknown outcome 'Z'"]),
        ('[[outcome]]\nname = "A"\nteam = "web"\nitems = 3\ndepends_on = ["C"]\n'
         '[[outcome]]\nname = "B"\nteam = "web"\nitems = 3\ndepends_on = ["A"]\n'
         '[[outcome]]\nname = "C"\nteam = "web"\nitems = 3\ndepends_on = ["B"]\n',
         ["dependency cycle: A -> C -> B -> A"]),
        ('[[outcome]]\nname = "A"\nteam = "web"\nitems = -3\n',
         ["outcome 'A': items = -3 must be a whole number from 1 to 10,000,000"]),
        ('[[outcome]]\nname = "A"\nteam = "web"\nitems = 2.5\n',
         ["outcome 'A': items = 2.5 must be a whole number from 1 to 10,000,000"]),
        ('[[outcome]]\nname = "A"\nteam = "web"\nitems_low = 9\nitems_high = 4\n',
         ["outcome 'A': items_low = 9 > items_high = 4"]),
        ('[[outcome]]\nname = "A"\nteam = "web"\nitems = 3\n'
         '[[risk]]\nname = "r"\noutcome = "A"\nprobability = 1.5\ndelay_days = 2\n',
         ["risk 'r': probability = 1.5 is outside [0, 1]"]),
        ('[[outcome]]\nname = "A"\nteam = "web"\nitems = 3\n'
         '[[outcome]]\nname = "A"\nteam = "api"\nitems = 3\n',
         ["outcome 'A': duplicate outcome name"]),
        ('[[outcome]]\nname = "A"\nteam = "web"\nitems = \n', ["TOML syntax error", "line"]),
    ],
)
def test_bad_portfolios(folder, body, fragments):
    one_line_error(run("plan", write(folder, body)), *fragments)


@pytest.mark.parametrize(
    ("capacity", "fragment"),
    [('[{from = 2024-08-10, to = 2024-08-01, factor = 0.5}]', "is after to 2024-08-01"),
     ('[{from = 2024-08-01, to = 2024-08-10, factor = 0.5}, '
      '{from = 2024-08-05, to = 2024-08-20, factor = 0.8}]', "overlap"),
     ('[{from = 2024-08-01, to = 2024-08-10, factor = -1}]',
      "factor = -1 must be a number from 0 to 10")],
)
def test_bad_capacity(folder, capacity, fragment):
    path = folder / "c.toml"
    path.write_text(textwrap.dedent(f"""
        [[team]]
        name = "web"
        history = "team.csv"
        capacity = {capacity}

        [[outcome]]
        name = "A"
        items = 3
        """))
    one_line_error(run("plan", path), "team 'web'", fragment)


def test_syntax_error_names_line_and_column(folder):
    path = folder / "s.toml"
    path.write_text('[[team]]\nname = "web"\nhistory = team.csv\n')
    result = run("plan", path)
    one_line_error(result, "s.toml': TOML syntax error", "line 3", "column")


def test_missing_size_without_parent_column(folder):
    path = write(folder, '[[outcome]]\nname = "A"\nteam = "web"\n')
    one_line_error(run("plan", path), "outcome 'A': no size given",
                   "give items = N or items_low/items_high")


def test_missing_history_file_names_the_team(folder):
    path = folder / "m.toml"
    path.write_text('[[team]]\nname = "web"\nhistory = "nope.csv"\n'
                    '[[outcome]]\nname = "A"\nitems = 3\n')
    one_line_error(run("plan", path), "team 'web'", "does not exist")


def test_plan_usage_errors(folder):
    one_line_error(run("plan"), "give a portfolio TOML file, or --outcomes")
    one_line_error(run("plan", "--outcomes", folder / "x.csv"), "--outcomes needs --history")
    one_line_error(run("plan", folder / "missing.toml"), "does not exist")


def test_unknown_key_is_reported(folder):
    path = write(folder, '[[outcome]]\nname = "A"\nteam = "web"\nitem = 3\n')
    one_line_error(run("plan", path), "outcome 'A': unknown key 'item'")


def test_plan_never_overwrites_a_history_named_in_the_toml(folder):
    path = write(folder, GOOD)
    before = (folder / "team.csv").read_bytes()
    one_line_error(run("plan", path, "--format", "csv", "--output", folder / "team.csv"),
                   "is an input file")
    assert (folder / "team.csv").read_bytes() == before


def test_plan_csv_cells_are_spreadsheet_safe(folder):
    path = write(folder, '[[outcome]]\nname = "=HYPERLINK(1)"\nteam = "web"\nitems = 3\n')
    r = run("plan", path, "--format", "csv")
    assert "\n'=HYPERLINK(1)," in r.stdout


@pytest.mark.parametrize(
    ("body", "fragment"),
    [('[[outcome]]\nname = "A"\nteam = "web"\nitems = 3\ndepends_on = 5\n',
      "depends_on = 5 is a whole number; expected an outcome's name or a list of names"),
     ('outcome = "A"\n', "team 'api': unknown key 'outcome'"),
     ('[[outcome]]\nname = "A"\nteam = "web"\nitems = 3\nsplit_low = nan\n',
      "split_low = nan must be a number"),
     ('[[outcome]]\nname = "A"\nteam = "web"\nitems = 3000000000\n',
      "items = 3000000000 must be a whole number from 1 to 10,000,000"),
     ('[[outcome]]\nname = "A"\nteam = "web"\nitems = 3\n'
      '[[risk]]\nname = "r"\noutcome = "A"\nprobability = 0.5\ndelay_days = 3000000\n',
      "delay_days = 3000000 must be a whole number from 0 to 2,600"),
     ('[[outcome]]\nname = "A"\nteam = "web"\nitems = 3\n'
      '[[risk]]\nname = "r"\noutcome = "A"\nprobability = 0.5\ndelay_days = 3\n'
      '[[risk]]\nname = "r"\noutcome = "A"\nprobability = 0.5\ndelay_days = 4\n',
      "duplicate risk name")],
)
def test_more_bad_portfolios(folder, body, fragment):
    one_line_error(run("plan", write(folder, body)), fragment)


def test_model_objects_are_checked_too():
    from forecast.core.model import Outcome, Part, Portfolio, Size, Team
    from forecast.exceptions import DataError

    h = forecast.History.from_counts(["2024-06-03"], [2])
    bad = Portfolio((Team("x", h, wip=0),), (Outcome("a", (Part("x", Size(3, 3)),)),))
    with pytest.raises(DataError, match="wip = 0 must be a whole number >= 1"):
        forecast.plan(bad, start="2024-06-04")
    bad = Portfolio((Team("x", h),), (Outcome("a", (Part("x", Size(5, 3)),)),))
    with pytest.raises(DataError, match="items 5..3 must satisfy"):
        forecast.plan(bad, start="2024-06-04")


def test_toml_options_on_the_command_line_are_refused(folder):
    one_line_error(run("plan", write(folder, GOOD), "--wip", 3), "--wip goes with --outcomes")


def test_top_level_entries_must_be_tables(folder):
    path = folder / "t.toml"
    path.write_text('outcome = "A"\n' + HEAD)
    one_line_error(run("plan", path), "outcome = 'A' is text; expected [[outcome]] tables")

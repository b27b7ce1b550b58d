"""Issue 12, portfolios: confinement, key types, the item cap, deep and long inputs, literal text.

Every case goes through the command line (click's CliRunner): bad input gets
one line naming the file, entry, key or value, exit status 2, no traceback.
"""

import os
import shutil
import textwrap

import pytest

from tests.cli_helpers import invoke as run
from tests.cli_helpers import one_line_error

TEAM = textwrap.dedent(
    """
    [[team]]
    name = "web"
    history = "team.csv"
    method = "daily"
    window = 90
    """
)
OUTCOME = '\n[[outcome]]\nname = "A"\nitems = 5\n'
TOP = "start = 2024-06-03\ntrials = 50\nseed = 1\n"


@pytest.fixture
def folder(tmp_path):
    shutil.copy("examples/team.csv", tmp_path / "team.csv")
    return tmp_path


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def team_with(history):
    return TEAM.replace('history = "team.csv"', f"history = {history}")


# --- confinement ------------------------------------------------------------------------

def test_an_absolute_history_path_is_refused_without_echoing_the_file(folder):
    path = write(folder / "p.toml", TOP + team_with('"/etc/passwd"') + OUTCOME)
    err = one_line_error(run("plan", path), "team 'web'", "history = '/etc/passwd'",
                         "absolute path", "allow_outside = true")
    assert "root:" not in err


def test_a_path_that_leaves_the_folder_through_dotdot_is_refused(folder):
    (folder / "sub").mkdir()
    path = write(folder / "sub" / "p.toml", TOP + team_with('"../team.csv"') + OUTCOME)
    one_line_error(run("plan", path), "history = '../team.csv'", "leads outside",
                   "through '..'", "allow_outside = true")


def test_a_symlink_that_resolves_outside_is_refused(folder):
    (folder / "sub").mkdir()
    os.symlink(folder / "team.csv", folder / "sub" / "link.csv")
    path = write(folder / "sub" / "p.toml", TOP + team_with('"link.csv"') + OUTCOME)
    one_line_error(run("plan", path), "history = 'link.csv'", "through a symbolic link")


def test_dotdot_and_symlinks_that_stay_inside_are_fine(folder):
    (folder / "data").mkdir()
    shutil.copy(folder / "team.csv", folder / "data" / "team.csv")
    os.symlink(folder / "data" / "team.csv", folder / "link.csv")
    for history in ('"data/../team.csv"', '"link.csv"', '"./data/team.csv"'):
        path = write(folder / "p.toml", TOP + team_with(history) + OUTCOME)
        result = run("plan", path)
        assert result.exit_code == 0, (history, result.output)


def test_allow_outside_lets_a_portfolio_read_elsewhere(folder):
    (folder / "sub").mkdir()
    absolute = str(folder / "team.csv").replace("\\", "/")
    for history in ('"../team.csv"', f'"{absolute}"'):
        path = write(folder / "sub" / "p.toml",
                     "allow_outside = true\n" + TOP + team_with(history) + OUTCOME)
        result = run("plan", path)
        assert result.exit_code == 0, (history, result.output)


def test_the_library_can_refuse_outside_paths_whatever_the_file_says(folder):
    import forecast
    from forecast.exceptions import InputFileError

    (folder / "sub").mkdir()
    path = write(folder / "sub" / "p.toml",
                 "allow_outside = true\n" + TOP + team_with('"../team.csv"') + OUTCOME)
    with pytest.raises(InputFileError, match="leads outside"):
        forecast.read_portfolio(path, allow_outside=False)
    assert forecast.read_portfolio(path).teams[0].name == "web"


def test_allow_outside_must_be_true_or_false(folder):
    path = write(folder / "p.toml", 'allow_outside = "yes"\n' + TOP + TEAM + OUTCOME)
    one_line_error(run("plan", path), "allow_outside = 'yes' is text; expected true or false")


def test_the_example_portfolio_with_relative_paths_still_reads():
    result = run("plan", "examples/portfolio.toml", "--trials", "200")
    assert result.exit_code == 0, result.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_history_that_is_a_fifo_or_a_directory_is_named_as_such(folder):
    os.mkfifo(folder / "pipe.csv")
    (folder / "dir.csv").mkdir()
    path = write(folder / "p.toml", TOP + team_with('"pipe.csv"') + OUTCOME)
    one_line_error(run("plan", path), "history = 'pipe.csv' is a named pipe (FIFO)")
    path = write(folder / "p.toml", TOP + team_with('"dir.csv"') + OUTCOME)
    one_line_error(run("plan", path), "history = 'dir.csv' is a directory")
    path = write(folder / "p.toml", TOP + team_with('""') + OUTCOME)
    one_line_error(run("plan", path), "history = '' is empty")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_portfolio_that_is_a_fifo_directory_or_device_is_named_as_such(folder):
    os.mkfifo(folder / "pipe.toml")
    one_line_error(run("plan", folder / "pipe.toml"), "is a named pipe (FIFO); give a TOML file")
    (folder / "dir.toml").mkdir()
    one_line_error(run("plan", folder / "dir.toml"), "is a directory; give a TOML file")
    if os.path.exists("/dev/zero"):
        one_line_error(run("plan", "/dev/zero"), "is a character device; give a TOML file")
    one_line_error(run("report", folder / "pipe.toml", "-o", folder / "r.html"),
                   "is a named pipe (FIFO)")


def test_a_portfolio_larger_than_the_cap_is_refused(folder, monkeypatch):
    import forecast.io.portfolio_toml as toml

    monkeypatch.setattr(toml, "MAX_PORTFOLIO_BYTES", 1024)
    path = write(folder / "p.toml", TOP + TEAM + OUTCOME + "# padding\n" * 200)
    one_line_error(run("plan", path), "larger than 1,024 bytes", "the most a portfolio may be")


# --- types of every key -----------------------------------------------------------------

TEAM_CASES = [
    ("done_column = 5", "done_column = 5 is a whole number; expected text in quotes"),
    ('date_format = ["%d"]', "date_format = ['%d'] is a list; expected text"),
    ("calendar = 7", 'calendar = 7 is a whole number; expected "weekdays" or "all"'),
    ("method = 1", "method = 1 is a whole number; expected text"),
    ("source = true", "source = true is true/false; expected text"),
    ("window = [90]", "window = [90] is a list; expected a whole number"),
    ("since = true", "since = true is true/false; expected a date"),
    ("exclude_types = 5", "exclude_types = 5 is a whole number; expected a list of type"),
    ("exclude_types = [5]", "exclude_types = [5] must be a list of type names"),
    ("holidays = 5", "holidays = 5 is a whole number; expected a country code"),
    ('capacity = "half"', "capacity = 'half' is text; expected a list of {from, to, factor}"),
    ("wip = true", "wip = true is true/false; expected a whole number"),
    ("wip = 12:00:00", "wip = 12:00:00 is a time of day; expected a whole number"),
]


@pytest.mark.parametrize(("line", "fragment"), TEAM_CASES)
def test_a_team_key_of_the_wrong_type_names_key_value_and_expectation(folder, line, fragment):
    key = line.split(" =")[0] + " ="
    team = "\n".join(t for t in TEAM.splitlines() if not t.startswith(key))
    path = write(folder / "p.toml", TOP + team + "\n" + line + "\n" + OUTCOME)
    one_line_error(run("plan", path), "team 'web'", fragment)


def test_a_history_key_of_the_wrong_type(folder):
    path = write(folder / "p.toml", TOP + team_with("5") + OUTCOME)
    one_line_error(run("plan", path), "history = 5 is a whole number; expected text in quotes")


OUTCOME_CASES = [
    ('team = ["web"]', "team = ['web'] is a list; expected text in quotes"),
    ("target = 5", "target = 5 is a whole number; expected a date such as 2024-06-03"),
    ("priority = [1]", "priority = [1] is a list; expected a whole number"),
    ("split_low = true", "split_low = true is true/false; expected a number"),
    ('parts = "web"', "parts = 'web' is text; expected a table such as {web = 10"),
    ("depends_on = 5", "depends_on = 5 is a whole number; expected an outcome's name"),
    ("items_low = {a = 1}", "items_low = {'a': 1} is a table; expected a whole number"),
]


@pytest.mark.parametrize(("line", "fragment"), OUTCOME_CASES)
def test_an_outcome_key_of_the_wrong_type(folder, line, fragment):
    body = TOP + TEAM + '\n[[outcome]]\nname = "A"\n' + line + "\n"
    if "items" not in line and "parts" not in line:
        body += "items = 5\n"
    path = write(folder / "p.toml", body)
    one_line_error(run("plan", path), "outcome 'A'", fragment)


RISK_CASES = [
    ("probability = true", "probability = true is true/false; expected a number from 0 to 1"),
    ("outcome = [1]", "outcome = [1] is a list; expected text in quotes"),
    ("delay_days = 1.5e400", "delay_days = inf must be a whole number"),
]


@pytest.mark.parametrize(("line", "fragment"), RISK_CASES)
def test_a_risk_key_of_the_wrong_type(folder, line, fragment):
    risk = {"probability": 'probability = 0.5', "outcome": 'outcome = "A"',
            "delay_days": "delay_days = 3"}
    key = line.split(" =")[0]
    risk[key] = line
    path = write(folder / "p.toml", TOP + TEAM + OUTCOME + '\n[[risk]]\nname = "R"\n'
                 + "\n".join(risk.values()) + "\n")
    one_line_error(run("plan", path), "risk 'R'", fragment)


TOP_CASES = [
    ("start = 5", "start = 5 is a whole number; expected a date"),
    ("trials = true", "trials = true is true/false; expected a whole number"),
    ("seed = [1]", "seed = [1] is a list; expected a whole number"),
    ("percentiles = {a = 1}", "percentiles = {'a': 1} is a table; expected a list of levels"),
]


@pytest.mark.parametrize(("line", "fragment"), TOP_CASES)
def test_a_top_level_key_of_the_wrong_type(folder, line, fragment):
    path = write(folder / "p.toml", line + "\n" + TEAM + OUTCOME)
    one_line_error(run("plan", path), "top level", fragment)


def test_a_huge_value_is_shown_cut_short(folder):
    path = write(folder / "p.toml", TOP + TEAM + "done_column = [" + "1, " * 5000 + "]\n"
                 + OUTCOME)
    err = one_line_error(run("plan", path), "done_column = [1, 1, 1, 1, ...] is a list")
    assert len(err) < 300


# --- the item cap -----------------------------------------------------------------------

def test_the_item_cap_is_one_named_constant_used_by_the_toml_and_the_csv(folder):
    from forecast.core.checks import MAX_ITEMS
    from forecast.io import portfolio_checks

    assert MAX_ITEMS == 10_000_000 and portfolio_checks.MAX_ITEMS is MAX_ITEMS
    path = write(folder / "p.toml", TOP + TEAM + f'\n[[outcome]]\nname = "A"\n'
                 f"items = {MAX_ITEMS + 1}\n")
    one_line_error(run("plan", path), f"items = {MAX_ITEMS + 1} must be a whole number from 1 "
                   "to 10,000,000")
    path = write(folder / "p.toml", TOP + TEAM + f"\n[[outcome]]\nname = \"A\"\n"
                 f"items = {MAX_ITEMS}\n")
    assert run("plan", path, "--trials", "10").exit_code == 0
    csv = write(folder / "o.csv", f"outcome,items\nA,{MAX_ITEMS + 1}\n")
    one_line_error(run("plan", "--outcomes", csv, "--history", folder / "team.csv"),
                   "row 2 (outcome 'A')", "must be a whole number from 1 to 10,000,000")


# --- the outcomes CSV -------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_an_outcomes_csv_that_is_a_fifo_or_a_directory_is_named_as_such(folder):
    os.mkfifo(folder / "pipe.csv")
    history = folder / "team.csv"
    one_line_error(run("plan", "--outcomes", folder / "pipe.csv", "--history", history),
                   "outcomes file", "is a named pipe (FIFO); give a CSV file")
    one_line_error(run("plan", "--outcomes", folder, "--history", history),
                   "is a directory; give a CSV file")
    one_line_error(run("report", "--outcomes", folder / "pipe.csv", "--history", history,
                       "-o", folder / "r.html"), "is a named pipe (FIFO)")


@pytest.mark.parametrize(("row", "fragment"), [
    ("A,abc,", "items = 'abc' must be a whole number"),
    ("A,5,soon", "target = 'soon' is not a date"),
    ("A,2.5,", "items = '2.5' must be a whole number"),
])
def test_an_outcomes_csv_cell_of_the_wrong_type_names_row_and_column(folder, row, fragment):
    csv = write(folder / "o.csv", "outcome,items,target\n" + row + "\n")
    one_line_error(run("plan", "--outcomes", csv, "--history", folder / "team.csv"),
                   "'", "row 2 (outcome 'A')", fragment)


# --- deep and long inputs ---------------------------------------------------------------

def chain(n, *, reverse=False, cycle=False):
    rows = []
    for i in reversed(range(n)) if reverse else range(n):
        dep = f'depends_on = ["o{(i - 1) % n}"]\n' if (i > 0 or cycle) else ""
        rows.append(f'[[outcome]]\nname = "o{i}"\nitems = 1\n{dep}')
    return "\n".join(rows)


def test_a_long_dependency_chain_listed_in_reverse_order_plans(folder):
    path = write(folder / "p.toml", TOP + TEAM + chain(1200, reverse=True))
    result = run("plan", path, "--trials", "5", "--format", "csv")
    assert result.exit_code == 0, result.output[-500:]
    assert result.stdout.count("\n") == 1201


def test_a_long_dependency_cycle_is_named_in_one_short_line(folder):
    path = write(folder / "p.toml", TOP + TEAM + chain(3000, cycle=True))
    err = one_line_error(run("plan", path), "dependency cycle (3,000 outcomes): o0 -> o2999",
                         "-> ... ->", "-> o1 -> o0; remove one of these dependencies")
    assert len(err) < 300


def test_a_short_cycle_is_named_in_full(folder):
    body = ('\n[[outcome]]\nname = "a"\nitems = 1\ndepends_on = ["c"]\n'
            '\n[[outcome]]\nname = "b"\nitems = 1\ndepends_on = ["a"]\n'
            '\n[[outcome]]\nname = "c"\nitems = 1\ndepends_on = ["b"]\n')
    path = write(folder / "p.toml", TOP + TEAM + body)
    one_line_error(run("plan", path), "dependency cycle: a -> c -> b -> a")


@pytest.mark.parametrize("nesting", ["a = " + "[" * 50_000 + "]" * 50_000,
                                     "a = " + "{b = " * 50_000 + "1" + "}" * 50_000])
def test_a_toml_nested_too_deep_is_explained_in_one_line(folder, nesting):
    path = write(folder / "p.toml", nesting + "\n")
    one_line_error(run("plan", path), "nested too deeply for the TOML reader", "fix the file")


# --- user text drawn literally -------------------------------------------------------------

DOLLARS = TOP + TEAM.replace('name = "web"', 'name = "w$e$b"') + textwrap.dedent(
    """
    [[outcome]]
    name = "Tier A_$$_B"
    items = 5
    target = 2024-07-01

    [[outcome]]
    name = "x^$y$ \\\\frac"
    items = 5
    depends_on = ["Tier A_$$_B"]
    """
)


def test_plan_plot_draws_names_with_dollars_as_written(folder):
    path = write(folder / "p.toml", DOLLARS)
    for suffix in ("png", "svg"):
        out = folder / f"plan.{suffix}"
        result = run("plan", path, "--plot", out)
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 1000
    assert "Tier A_$$_B" in (folder / "plan.svg").read_text()


def test_report_draws_names_with_dollars_as_written(folder):
    path = write(folder / "p.toml", DOLLARS)
    result = run("report", path, "-o", folder / "r.html")
    assert result.exit_code == 0, result.output
    html = (folder / "r.html").read_text()
    assert "could not be drawn" not in html


def test_trend_plot_of_records_with_dollar_names(folder):
    path = write(folder / "p.toml", DOLLARS)
    record = folder / "record.csv"
    for start in ("2024-06-03", "2024-06-10"):
        assert run("plan", path, "--start", start, "--record", record).exit_code == 0
    result = run("trend", record, "--plot", folder / "trend.png")
    assert result.exit_code == 0, result.output


def test_every_text_of_every_plot_is_literal():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    import forecast

    r = forecast.plan("examples/portfolio.toml", trials=200, rng=1)
    h = forecast.read_history("examples/team.csv")
    w = forecast.when(h, 20, start="2024-06-03", method="daily")
    drawn = [forecast.plot.portfolio(r), forecast.plot.when(w), forecast.plot.calendar(w),
             forecast.plot.burnup(h, w), forecast.plot.throughput(h)]
    for ax in drawn:
        texts = ax.figure.findobj(Text)
        assert texts and not any(t.get_parse_math() or t.get_usetex() for t in texts), ax
        plt.close(ax.figure)

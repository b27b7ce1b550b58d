import base64
import datetime as dt
import html
import inspect
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import jinja2.meta
import jinja2.nodes
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from click.testing import CliRunner  # noqa: E402

import forecast  # noqa: E402
import forecast.present.report as report  # noqa: E402
from forecast.cli import cli as cli_main  # noqa: E402
from forecast.exceptions import OutputError, ParameterError  # noqa: E402
from forecast.present.report import Figure, plan_report, question_report, write_report

START = dt.date(2024, 6, 3)
NOW = dt.datetime(2024, 6, 3, 9, 30, tzinfo=dt.UTC)
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


class Page(HTMLParser):
    """Tags, attributes, text and the tables of an HTML page, as a browser would parse them."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags, self.text, self.tables = [], [], {}
        self._table = self._row = self._cell = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "table":
            self._table = self.tables.setdefault(attrs.get("id") or f"t{len(self.tables)}", [])
        elif tag == "tr" and self._table is not None:
            self._row = []
            self._table.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def all_text(self):
        return " ".join(" ".join(self.text).split())


def headline_rows(page):
    """{outcome: {column: cell}} from the headline table."""
    header, *rows = page.tables["outcomes"]
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


@pytest.fixture(scope="module")
def example():
    result = forecast.plan("examples/portfolio.toml")
    text = plan_report(result, now=NOW)
    return result, text, Page(text)


def expected_headline(result):
    """Each outcome's P85 date and chance as the result states them (as the CLI prints them)."""
    out = {}
    for name in result.names:
        p85 = [pc for pc in result.percentiles(name) if pc.p == 85][0]
        prob = result.probability(name)
        out[name] = (p85.date.isoformat(), "—" if prob is None else f"{prob:.0%}")
    return out


def test_plan_report_headline_states_the_results_numbers(example):
    result, text, page = example
    rows = headline_rows(page)
    assert list(rows) == list(result.outcomes()["outcome"])  # priority order
    for name, (p85, chance) in expected_headline(result).items():
        assert rows[name]["P85"] == p85
        assert rows[name]["Chance"] == chance
    for item in result.to_dict()["outcomes"]:
        assert rows[item["name"]]["Status"] == item["status"]
        assert rows[item["name"]]["Target"] == (item["target"] or "—")
        assert rows[item["name"]]["P50"] == item["percentiles"][0]["date"]
    joint = result.joint_probability()
    words = page.all_text()
    assert f"{joint:.1%} chance that all 4 outcomes with a target meet it" in words
    assert f"{result.all_done_percentile(85).isoformat()} 85% chance everything is done" in words


def test_plan_report_is_self_contained(example):
    _, text, page = example
    assert text.startswith("<!DOCTYPE html>")
    tags = [t for t, _ in page.tags]
    assert "script" not in tags and "iframe" not in tags and "link" not in tags
    assert not re.search(r"(src|href)\s*=\s*\"?(https?:|//)", text)
    assert "url(" not in text and "@import" not in text
    policy = [a["content"] for t, a in page.tags if a.get("http-equiv") ==
              "Content-Security-Policy"]
    assert policy and "default-src 'none'" in policy[0] and "script" not in policy[0]
    images = [a for t, a in page.tags if t == "img"]
    assert len(images) >= 4  # portfolio, per-outcome, a calibration chart per team
    for image in images:
        assert image["src"].startswith("data:image/png;base64,")
        png = base64.b64decode(image["src"].split(",", 1)[1])
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
    links = [a["href"] for t, a in page.tags if t == "a"]
    assert links and all(h.startswith("#") for h in links)
    assert "could not be drawn" not in text


def test_plan_report_sections_in_reading_order(example):
    result, text, page = example
    order = [text.index(f'<section id="{s}">')
             for s in ("headline", "charts", "signals", "calibration", "inputs")]
    assert order == sorted(order)
    assert 'id="trend"' not in text  # no record file given
    words = page.all_text()
    for team in result.portfolio.teams:
        assert f"Team {team.name}" in words
    # signals: the platform window has two outlier days, reported as the check reports them
    assert "3 outlier days (bulk closes?): 2024-01-16 (9), 2024-03-04 (10), 2024-04-29 (9)" \
        in words
    # calibration: the configuration in use is marked, and the best one named
    for team in result.portfolio.teams:  # the example's teams are on the default, auto
        note = next(w for w in result.warnings if w.startswith(f"team {team.name!r}: method auto"))
        method, window = re.search(r"chose (\w+) with a (\d+)-day window", note).groups()
        assert f"In use: auto, which chose {method} with a {window}-day window." in words
    assert words.count("In use: auto, which chose") == 2
    assert words.count("Recommended:") == 2
    # inputs that reproduce it
    assert ("forecast plan examples/portfolio.toml --start 2024-06-03 --trials 10000 --seed 42"
            in words)
    for needle in ("examples/team.csv", "examples/platform.csv", "weekdays + GB holidays",
                   "2024-08-05 .. 2024-08-16 × 0.5", "Payment provider certification slips",
                   f"forecast {forecast.__version__}", "2024-06-03 09:30:00 UTC", "numba"):
        assert needle in words, needle


def test_plan_report_warnings_are_listed(example):
    result, _, page = example
    words = page.all_text()
    for warning in result.warnings:
        # what auto chose is shown in the team's calibration section, under the team's name
        team = re.match(r"team '([^']+)': (method auto.*)", warning, re.S)
        shown = team.group(2) if team else warning
        assert " ".join(shown.split()) in words


def test_report_leaves_no_pyplot_figures_open():
    plt.close("all")
    h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    question_report(forecast.when(h, 10, start="2024-06-05", method="daily"), h, backtest=False)
    assert plt.get_fignums() == []


# ---------------------------------------------------------------- user text is escaped


def write_history(path, days=120, seed=3):
    rng = np.random.default_rng(seed)
    first = START - dt.timedelta(days=days)
    lines = ["id,done,started"]
    n = 0
    for i in range(days):
        day = first + dt.timedelta(days=i)
        for _ in range(rng.poisson(1.6) if day.weekday() < 5 else 0):
            n += 1
            lines.append(f"{n},{day.isoformat()},{(day - dt.timedelta(days=3)).isoformat()}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def hostile_portfolio(tmp_path):
    history = write_history(tmp_path / f"{IMG}.csv")
    toml = f"""
start = {START.isoformat()}
trials = 300
seed = 5

[[team]]
name = '{IMG}'
history = '{history.name}'

[[team]]
name = "{SCRIPT}"
history = '{history.name}'

[[outcome]]
name = "{SCRIPT}"
team = '{IMG}'
items = 12
target = 2024-05-31   # before the start: the plan warns, naming the outcome

[[outcome]]
name = '{IMG}'
parts = {{ '{IMG}' = 4, "{SCRIPT}" = 6 }}
depends_on = ["{SCRIPT}"]
target = 2024-07-31

[[risk]]
name = "{SCRIPT}"
outcome = '{IMG}'
probability = 0.5
delay_days = 3
"""
    path = tmp_path / "portfolio.toml"
    path.write_text(toml, encoding="utf-8")
    return path


def assert_escaped(text):
    for raw in (SCRIPT, IMG, "<img src=x", "<script>"):
        assert raw not in text, raw
    assert html.escape(SCRIPT) in text
    assert html.escape(IMG) in text
    page = Page(text)
    tags = [t for t, _ in page.tags]
    assert "script" not in tags
    assert all(a["src"].startswith("data:image/png;base64,") for t, a in page.tags if t == "img")
    assert not any(k.startswith("on") for _, a in page.tags for k in a)
    return page


def test_hostile_names_render_as_text(tmp_path):
    result = forecast.plan(hostile_portfolio(tmp_path))
    log = tmp_path / "record.csv"
    forecast.record(result, log)
    forecast.record(result, log)
    text = plan_report(result, record=log, backtest={"windows": (30,), "horizons": (5,)})
    page = assert_escaped(text)
    rows = headline_rows(page)
    assert set(rows) == {SCRIPT, IMG}  # the parsed page shows the names as typed
    assert rows[IMG]["Teams"] == f"{IMG} + {SCRIPT}"
    words = page.all_text()
    assert f"outcome {SCRIPT!r}: its target 2024-05-31 is before the start" in words
    assert f"Team {IMG}" in words and f"Team {SCRIPT}" in words
    assert f"{IMG}.csv" in words  # the history file's name
    assert 'id="trend"' in text


def test_hostile_names_in_a_question_report(tmp_path):
    history = forecast.read_history(write_history(tmp_path / f"{IMG}.csv"))
    result = forecast.when(history, 30, start=START, target="2024-07-01", method="daily")
    log = tmp_path / "record.csv"
    forecast.record(result, log, name=SCRIPT)
    text = question_report(result, history, record=log, title=SCRIPT,
                           backtest={"windows": (30,), "horizons": (5,)})
    page = assert_escaped(text)
    assert f"{IMG}.csv" in page.all_text()
    assert re.search(r"<title>[^<]*&lt;script&gt;", text)


# ---------------------------------------------------------------- single questions


@pytest.fixture(scope="module")
def team():
    return forecast.read_history("examples/team.csv", holidays="GB")


def test_when_report_headline(team):
    f = forecast.when(team, 40, start=START, target="2024-07-15", method="daily")
    text = question_report(f, team, now=NOW)
    page = Page(text)
    header, *rows = page.tables["percentiles"]
    assert header == ["Chance", "Done on or before", "Working days"]
    assert rows == [[f"{pc.p:g}%", pc.date.isoformat(), str(pc.value)]
                    for pc in f.percentiles()]
    words = page.all_text()
    assert f"{f.percentile(85).date.isoformat()} 85% chance that the 40 items are done" in words
    assert f"{f.likelihood('2024-07-15'):.1%} chance of being done on or before the target" in words
    assert "examples/team.csv" in words and "Calibration" in words
    assert "In use: daily, 90-day window." in words
    assert "exact (daily bootstrap, convolution)" in words


def test_how_many_monte_carlo_report_shows_precision(team):
    g = forecast.how_many(team, by="2024-06-28", start=START, engine="mc", rng=7, trials=4000,
                          method="daily")
    page = Page(question_report(g, team, backtest=False))
    header, *rows = page.tables["percentiles"]
    assert header == ["Chance", "Items or more", "± se", "99% interval"]
    assert [r[1] for r in rows] == [str(pc.value) for pc in g.percentiles()]
    words = page.all_text()
    assert f"{g.percentile(85).value} items 85% chance of that many or more" in words
    assert "No backtest: not run (backtest=False)" in words
    assert "Seed 7" in words


def test_backtest_options_and_failures_are_reported(team):
    f = forecast.when(team, 20, start=START, method="daily")
    words = Page(question_report(f, team, backtest={"windows": (60,), "methods": ("daily",)})
                 ).all_text()
    assert "daily 60d" in words and "daily 90d" not in words
    short = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    g = forecast.when(short, 5, start="2024-06-05", method="daily")
    words = Page(question_report(g, short)).all_text()
    assert "No backtest:" in words and "too little history for a backtest" in words
    with pytest.raises(ParameterError, match="backtest = 'yes' must be True, False or a mapping"):
        question_report(g, short, backtest="yes")


# ---------------------------------------------------------------- figures, trend, writing


def test_a_figure_is_one_line_to_add_and_a_broken_one_is_a_note(monkeypatch):
    h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    f = forecast.when(h, 10, start="2024-06-05", method="daily")
    monkeypatch.setattr(report.figures, "QUESTION_FIGURES", [  # the list the report reads
        *report.QUESTION_FIGURES,
        Figure("Extra", "An added chart.", lambda r, fig: fig.add_subplot().plot([1, 2])),
        Figure("Broken", "Fails.", lambda r, fig: 1 / 0),
    ])
    page = Page(question_report(f, h, backtest=False))
    assert [a["alt"] for t, a in page.tags if t == "img"] == ["Forecast", "Extra"]
    assert ("Broken: the chart could not be drawn (ZeroDivisionError: division by zero)"
            in page.all_text())


def test_trend_section_from_a_record_file(tmp_path, team):
    log = tmp_path / "record.csv"
    first = dt.datetime(2024, 6, 3, tzinfo=dt.UTC)
    forecast.record(forecast.when(team, 40, start=START, method="daily"), log, name="r1", now=first)
    later = forecast.when(team, 60, start=START, method="daily")
    forecast.record(later, log, name="r1", now=first + dt.timedelta(days=7))
    page = Page(question_report(later, team, record=log, backtest=False))
    header, *trend_rows = page.tables["moves"]
    assert header[:2] == ["Outcome", "Records"]
    assert len(trend_rows) == 1 and trend_rows[0][0] == "r1" and trend_rows[0][1] == "2"
    assert trend_rows[0][7] == "1 slip"
    assert "What moved" in page.all_text()
    with pytest.raises(forecast.ForecastError, match="does not exist"):
        question_report(later, team, record=tmp_path / "missing.csv")


def test_write_report_is_atomic_and_protects_inputs(tmp_path):
    target = tmp_path / "report.html"
    assert write_report("<!DOCTYPE html>\n", target) == target
    assert target.read_text() == "<!DOCTYPE html>\n"
    source = tmp_path / "history.csv"
    source.write_text("done\n2024-06-03\n")
    with pytest.raises(OutputError, match="is an input file"):
        write_report("x", source, protect=[source])
    assert source.read_text() == "done\n2024-06-03\n"


# ---------------------------------------------------------------- docs


def test_public_functions_have_numpydoc_examples():
    for name in report.__all__:
        obj = getattr(report, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            doc = inspect.getdoc(obj) or ""
            assert "Examples\n--------" in doc, name


def test_a_team_on_auto_shows_what_auto_chose(team):
    from forecast.core.model import Outcome, Part, Portfolio, Size, Team

    portfolio = Portfolio((Team("web", team, method="auto"),),
                          (Outcome("a", (Part("web", Size(30, 30)),)),))
    result = forecast.plan(portfolio, start=START, trials=500)
    note = next(w for w in result.warnings if "method auto chose" in w)
    method, window = re.search(r"chose (\w+) with a (\d+)-day window", note).groups()
    page = Page(plan_report(result))
    assert (f"In use: auto, which chose {method} with a {window}-day window."
            in page.all_text())
    table = next(v for k, v in page.tables.items() if v and "Configuration" in v[1])
    in_use = [row for row in table[2:] if "in use" in row[1]]
    assert len(in_use) == 1 and in_use[0][1].startswith(f"{method} {window}d")


# ---------------------------------------------------------------- templates


def test_templates_autoescape_hostile_text():
    env = report.page.environment()
    assert env is report.page.environment()  # made once
    assert env.autoescape is True and env.undefined is jinja2.StrictUndefined
    page = env.from_string("<p title=\"{{ x }}\">{{ x }}</p>").render(x=IMG + SCRIPT)
    escaped = html.escape(IMG + SCRIPT)  # quotes as &quot; and &#x27;, as html.escape has them
    assert page == f'<p title="{escaped}">{escaped}</p>'
    macros = env.get_template("macros.html.j2").module
    markup = report.markup
    span = str(macros.inline([SCRIPT, markup.Span(SCRIPT, IMG), markup.Bullets([IMG])]))
    assert span == (f'{html.escape(SCRIPT)}<span class="{html.escape(IMG)}">'
                    f"{html.escape(SCRIPT)}</span><ul><li>{html.escape(IMG)}</li></ul>")
    assert "<script" not in span and "<img" not in span


def test_templates_take_only_text():
    env = report.page.environment()
    with pytest.raises(TypeError, match="was given int 3; format it as text"):
        env.from_string("{{ n }}").render(n=3)
    with pytest.raises(TypeError, match="was given NoneType"):
        env.from_string("{{ n }}").render(n=None)
    with pytest.raises(jinja2.UndefinedError, match="'missing' is undefined"):
        env.from_string("{{ missing }}").render()


def template_files():
    folder = Path(report.__file__).with_name("templates")
    return sorted(p.name for p in folder.glob("*"))


def test_every_template_parses_and_is_used():
    env = report.page.environment()
    names = template_files()
    assert names and all(n.endswith(".html.j2") for n in names)  # what package data ships
    assert env.list_templates() == names
    trees = {n: env.parse(env.loader.get_source(env, n)[0]) for n in names}  # each parses
    reached, todo = set(), ["report.html.j2"]  # what plan_report and question_report render
    while todo:
        name = todo.pop()
        if name not in reached:
            reached.add(name)
            todo += jinja2.meta.find_referenced_templates(trees[name])
    assert reached == set(names)
    defined = {m.name for t in trees.values() for m in t.find_all(jinja2.nodes.Macro)}
    called = {c.node.name for t in trees.values() for c in t.find_all(jinja2.nodes.Call)
              if isinstance(c.node, jinja2.nodes.Name)}
    assert defined <= called, defined - called  # and no macro is left unused


def test_jinja2_stays_out_of_the_command_lines_start_up():
    code = ("import sys\nfrom forecast.cli import main\nsys.argv = ['forecast', *sys.argv[1:]]\n"
            "try:\n    main()\nexcept SystemExit:\n    print('jinja2' in sys.modules)\n")
    for args in (["--help"], ["report", "--help"]):
        out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                             text=True, check=True).stdout.strip().splitlines()[-1]
        assert out == "False", args


# ---------------------------------------------------------------- short histories


def calibration_text(page_text):
    """The words of the page's calibration section."""
    section = page_text[page_text.index('<section id="calibration">'):]
    return Page(section[:section.index("</section>")]).all_text()


def test_a_six_month_team_has_its_calibration_with_the_windows_that_fit():
    short = forecast.read_history("tests/data/ado-6m.csv")  # 2023-12-04 .. 2024-05-30
    f = forecast.when(short, 40, start=START)  # auto: too short for its backtest, falls back
    page = question_report(f, short, now=NOW)
    words = calibration_text(page)
    assert "No backtest" not in words
    assert "In use: weighted, 180-day window." in words
    # the report runs what `forecast backtest` runs, and says so
    assert "Scored windows of 30 and 60 days at horizons of 10, 20 and 40 working days." in words
    assert "The same figures as `forecast backtest tests/data/ado-6m.csv --start 2024-06-03`." \
        in words
    assert ("Backtest fitted to the history, which spans 179 days (2023-12-04 .. 2024-05-30): "
            "scored windows of 30 and 60 days at horizons of 10, 20 and 40 working days; left "
            "out the 90- and 180-day windows (10 origins 7 days apart with a 90-day window and a "
            "40-working-day horizon need at least 208 days of history)") in words
    assert ("windows and horizons too long for a team's history are left out (its calibration "
            "says which)") in Page(page).all_text()  # the run's inputs
    table = next(v for v in Page(page).tables.values() if v and "Configuration" in v[1])
    assert {row[1].split()[1] for row in table[2:]} == {"30d", "60d"}
    # ...and the same figures: the command's relative CRPS, row by row
    cli = CliRunner().invoke(cli_main, ["backtest", "tests/data/ado-6m.csv", "--start",
                                        "2024-06-03"])
    lines = cli.output.splitlines()
    top = next(i for i, line in enumerate(lines) if line.split()[:2] == ["rank", "method"])
    ranked = []
    for line in lines[top + 1:]:
        if not line.strip()[:1].isdigit():
            break
        ranked.append(line.split()[1:4])
    assert [[r[1].split()[0], r[1].split()[1], r[2]] for r in table[2:]] == ranked


def test_a_plan_of_six_month_teams_reports_each_teams_calibration(tmp_path):
    # the example portfolio's two teams, with only their last six months of history
    for name in ("ado-6m.csv", "platform-6m.csv"):
        (tmp_path / name).write_bytes(Path("tests/data", name).read_bytes())
    toml = tmp_path / "p.toml"
    toml.write_text('start = 2024-06-03\n'
                    '[[team]]\nname = "web"\nhistory = "ado-6m.csv"\nholidays = "GB"\n'
                    'method = "daily"\nwindow = 60\n'
                    '[[team]]\nname = "platform"\nhistory = "platform-6m.csv"\nholidays = "US"\n'
                    '[[outcome]]\nname = "A"\nparts = { web = 10, platform = 10 }\n')
    result = forecast.plan(toml, trials=500)
    words = calibration_text(plan_report(result, now=NOW))
    assert "No backtest" not in words
    # web's own 60-day window fits at 10 and 20 working days, the report's 90-day one does not
    # (GB holidays); platform's 182 days (US holidays) fit the 90-day one with 10 origins
    # web's own 60-day window needs 183 days at the 40-working-day horizon (GB holidays),
    # which its 179 do not have; platform's 182 days (US holidays) fit 30 and 60 days
    assert ("Team web 14 weekly origins from 2024-01-03 to 2024-04-03; each forecast used only "
            "the data before its origin. In use: daily, 60-day window.") in words
    assert "Scored window of 30 days at horizons of 10, 20 and 40 working days." in words
    assert ("Backtest fitted to the history, which spans 179 days (2023-12-04 .. 2024-05-30): "
            "scored a window of 30 days at horizons of 10, 20 and 40 working days; left out the "
            "60-, 90- and 180-day windows (10 origins 7 days apart with a 60-day window and a "
            "40-working-day horizon need at least 183 days of history)") in words
    assert "Team platform 10 weekly origins from 2024-02-01 to 2024-04-04" in words
    assert "Scored windows of 30 and 60 days at horizons of 10, 20 and 40 working days." in words
    assert words.count("Backtest fitted to the history") == 2
    # windows given to the report are kept whole: each team says why it has no calibration
    words = calibration_text(plan_report(result, backtest={"windows": (180,)}, now=NOW))
    assert words.count("No backtest:") == 2
    assert words.count("with a 180-day window and a 10-working-day horizon need at least") == 2


def test_each_plan_team_names_the_backtest_command_with_the_same_figures():
    # the example portfolio's web team has GB holidays: the command the report names must
    # carry them, and print the relative CRPS the report's table shows, row by row
    result = forecast.plan("examples/portfolio.toml", trials=500)
    page = plan_report(result, now=NOW)
    words = calibration_text(page)
    command = re.search(r"The same figures as `forecast (backtest examples/team\.csv[^`]*)`",
                        words).group(1)
    assert command.endswith("--start 2024-06-03 --holidays GB")
    cli = CliRunner().invoke(cli_main, command.split())
    lines = cli.output.splitlines()
    top = next(i for i, line in enumerate(lines) if line.split()[:2] == ["rank", "method"])
    ranked = []
    for line in lines[top + 1:]:
        if not line.strip()[:1].isdigit():
            break
        ranked.append(line.split()[1:4])
    table = next(v for v in Page(page).tables.values() if v and "Configuration" in v[1])
    assert [[r[1].split()[0], r[1].split()[1], r[2]] for r in table[2:]] == ranked

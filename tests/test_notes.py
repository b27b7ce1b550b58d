"""Notes are typed: severity and code travel with the text, and nothing reads the wording."""

import dataclasses
import json
import pickle

import forecast
from forecast.notes import Note, info, informational, messages, note_label, warning


def test_a_note_is_its_text_with_a_severity_and_a_code():
    n = warning("only 3 working days with completions", "thin-window")
    assert n == "only 3 working days with completions" and isinstance(n, str)
    assert (n.severity, n.code, n.text) == ("warning", "thin-window", str(n))
    assert json.dumps([n]) == '["only 3 working days with completions"]'
    again = pickle.loads(pickle.dumps(n))
    assert (again, again.severity, again.code) == (n, "warning", "thin-window")
    team = info("read as a Jira export", "read-as").prefixed("team 'web': ")
    assert (team, team.severity, team.code) == ("team 'web': read as a Jira export", "info",
                                                "read-as")


def test_the_wording_decides_nothing():
    looks_informational = warning("read as a Jira export", "odd")
    looks_alarming = info("only 1 working day: widen --window", "fine")
    assert not informational(looks_informational) and note_label(looks_informational) == "warning"
    assert informational(looks_alarming) and note_label(looks_alarming) == "note"
    assert note_label("read as a Jira export") == "warning"  # untyped text is never information


def test_results_render_by_severity_and_carry_codes_in_json():
    h = forecast.History.from_counts(["2024-06-03", "2024-06-04", "2024-06-05"], [2, 0, 1])
    h = dataclasses.replace(h, notes=(info("only a look-alike: used 2 of 3 rows", "custom-info"),
                                      warning("read as something", "custom-warning")))
    f = forecast.when(h, 5, start="2024-06-06", window=7, method="daily")
    doc = f.to_dict()
    assert "only a look-alike: used 2 of 3 rows" in doc["notes"]
    assert "read as something" in doc["warnings"]
    codes = {m["code"]: m["severity"] for m in doc["messages"]}
    assert codes["custom-info"] == "info" and codes["custom-warning"] == "warning"
    text = str(f)
    assert "  note: only a look-alike: used 2 of 3 rows" in text
    assert "  warning: read as something" in text
    assert messages([Note("x")]) == [{"text": "x", "severity": "warning", "code": "warning"}]


def test_check_strict_counts_only_warnings(tmp_path):
    from click.testing import CliRunner

    from forecast.cli.app import cli

    path = tmp_path / "h.csv"
    days = [f"2024-05-{d:02d}" for d in (1, 2, 3, 6, 7, 8, 9, 10, 13, 14, 15, 16, 17, 20, 21)]
    path.write_text("done\n" + "\n".join(days * 3) + "\n")
    r = CliRunner().invoke(cli, ["check", str(path), "--start", "2024-05-22", "--strict",
                                 "--format", "json"])
    doc = json.loads(r.stdout)
    assert all(m["severity"] == "info" for m in doc["messages"] if m["text"] in doc["notes"])
    assert (r.exit_code == 1) == bool(doc["warnings"]), (r.exit_code, doc["warnings"])

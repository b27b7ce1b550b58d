"""Issue 12, outputs: every CSV cell is safe, and --record files are checked, locked and whole.

Each class of hostile input has a test through the CLI (click's CliRunner, or real
processes where FIFOs or concurrent writers are involved).
"""

import csv
import errno
import io
import os
import pathlib
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest

import forecast
import forecast.forecasting.plan
import forecast.forecasting.questions
import forecast.io.records
from forecast.io.output import LINE_BREAKS, csv_cell, csv_text, spreadsheet_safe
from forecast.io.records import RECORD_COLUMNS, record, trend

TEAM = "examples/team.csv"
START = "2024-06-03"
ROOT = pathlib.Path(__file__).resolve().parent.parent
FORMULA = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def one_line_error(result, *fragments):
    """An error is one line on stderr, status 2, no traceback and nothing on stdout."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    err = result.stderr
    assert err.startswith("forecast: error: ") and err.count("\n") == 1, err
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    return err


def rows_of(text):
    """The rows of CSV text as Python's csv module and a spreadsheet read them."""
    return list(csv.reader(io.StringIO(text, newline="")))


def assert_safe_csv(text, n_rows):
    """One row per physical line for every reader, and no cell that starts a formula."""
    rows = rows_of(text)
    assert len(rows) == n_rows, rows
    assert len(text.splitlines()) == n_rows  # str.splitlines breaks on every LINE_BREAKS
    assert len({len(r) for r in rows}) == 1
    for row in rows:
        for cell in row:
            assert not any(c in cell for c in LINE_BREAKS), cell
            assert not cell.lstrip().startswith(FORMULA), cell
    return rows


def toml_string(text):
    """A TOML basic string holding ``text`` exactly (every non-ASCII or control as \\uXXXX)."""
    out = []
    for char in text:
        if char in '"\\' or not (" " <= char <= "~"):
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def portfolio(tmp_path, outcomes, team="web"):
    (tmp_path / "team.csv").write_bytes((ROOT / TEAM).read_bytes())
    body = textwrap.dedent(f"""\
        start = 2024-06-03
        trials = 500
        seed = 7

        [[team]]
        name = {toml_string(team)}
        history = "team.csv"
        """)
    for name in outcomes:
        body += (f"\n[[outcome]]\nname = {toml_string(name)}\nteam = {toml_string(team)}\n"
                 "items = 5\n")
    path = tmp_path / "p.toml"
    path.write_text(body, encoding="utf-8")
    return path


# --- cells: line breaks ----------------------------------------------------------------

@pytest.mark.parametrize("brk", ["\r", "\n", "\r\n", "\u2028", "\u2029", "\x85", "\x0b",
                                 "\x0c", "\x1c", "\x1d", "\x1e"])
def test_a_line_break_in_a_name_never_starts_a_row_of_the_plan_csv(run, tmp_path, brk):
    path = portfolio(tmp_path, [f"Checkout{brk}=HYPERLINK(\"http://x\")", "Returns"],
                     team=f"web{brk}=2+2")
    out, dist = tmp_path / "plan.csv", tmp_path / "dist.csv"
    r = run("plan", path, "-o", out, "--distribution", dist)
    assert r.exit_code == 0, r.output
    rows = assert_safe_csv(out.read_text(encoding="utf-8"), 3)
    assert rows[1][:2] == ['Checkout =HYPERLINK("http://x")', "web =2+2"]
    dist_rows = assert_safe_csv(dist.read_text(encoding="utf-8"),
                                len(dist.read_text().splitlines()))
    assert {r[0] for r in dist_rows[1:]} == {'Checkout =HYPERLINK("http://x")', "Returns"}
    # the terminal's CSV is the same text
    r = run("plan", path, "--format", "csv")
    assert r.stdout == out.read_text(encoding="utf-8")


def test_a_carriage_return_in_the_distribution_name(run, tmp_path):
    dist = tmp_path / "d.csv"
    r = run("when", TEAM, "-n", 5, "--start", START, "--name", "A\r=1+1", "--distribution",
            dist)
    assert r.exit_code == 0, r.output
    rows = assert_safe_csv(dist.read_text(), len(dist.read_text().splitlines()))
    assert {row[0] for row in rows[1:]} == {"A =1+1"}
    r = run("when", TEAM, "-n", 5, "--start", START, "--name", "\r=1+1", "--distribution",
            dist)
    assert r.exit_code == 0, r.output
    assert {row[0] for row in rows_of(dist.read_text())[1:]} == {"' =1+1"}


def test_a_carriage_return_from_an_outcomes_csv_cell(run, tmp_path):
    outcomes = tmp_path / "o.csv"
    outcomes.write_bytes(b'outcome,team,items\n"Checkout\r=2+2",web,10\n"B\r\n-1",web,5\n')
    r = run("plan", "--outcomes", outcomes, "--history", TEAM, "--start", START,
            "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = assert_safe_csv(r.stdout, 3)
    assert [row[0] for row in rows[1:]] == ["Checkout =2+2", "B -1"]


def test_other_control_characters_become_a_replacement_mark(run, tmp_path):
    path = portfolio(tmp_path, ["a\x00b\x1bc\x7f", "tab\tinside"])
    r = run("plan", path, "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = assert_safe_csv(r.stdout, 3)
    assert [row[0] for row in rows[1:]] == ["a\ufffdb\ufffdc\ufffd", "tab\tinside"]


# --- cells: formula leads ----------------------------------------------------------------

LEADS = ["=1+4", " =1+4", "  +1", "\u3000-1", "@SUM(A1)", "\uff1d1+4", "\uff0b1", "\uff0d1",
         "\uff20SUM(A1)", "\ufe661", "\u200b=1", "\ufeff=1", "\t=1", "\xa0=1", "-web"]


@pytest.mark.parametrize("name", LEADS)
def test_a_formula_lead_is_neutralised_after_white_space_and_in_full_width(run, tmp_path, name):
    path = portfolio(tmp_path, [f"x{name}", name], team=name)
    r = run("plan", path, "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = assert_safe_csv(r.stdout, 3)
    cell = rows[2][0]
    assert cell.startswith("'") and cell[1:].strip() == name.strip(), (name, cell)
    assert rows[1][0] == f"x{name}"  # a sign inside a cell is left alone
    assert rows[1][1].startswith("'")  # the team's name, in the teams column
    r = run("when", TEAM, "-n", 5, "--start", START, "--name", name,
            "--distribution", tmp_path / "d.csv")
    assert r.exit_code == 0, r.output
    dist = (tmp_path / "d.csv").read_text(encoding="utf-8")
    assert {row[0] for row in assert_safe_csv(dist, len(dist.splitlines()))[1:]} == {
        "'" + name}


def test_plain_text_and_numbers_are_left_alone():
    assert spreadsheet_safe("web-app") == "web-app" and csv_cell("Q3 – launch") == "Q3 – launch"
    assert csv_cell(-3) == -3 and csv_cell(-0.5) == -0.5 and csv_cell(None) is None
    assert csv_cell("") == "" and csv_cell("   ") == "   "
    frame = pd.DataFrame({"outcome": ["-3", "ok"], "delta": [-3, 4], "p": [-0.25, 0.5],
                          "maybe": pd.array([-2, None], dtype="Int64")})
    rows = rows_of(csv_text(frame))
    # text that looks like a negative number is text (an outcome named "-3"); numbers stay numbers
    assert rows == [["outcome", "delta", "p", "maybe"], ["'-3", "-3", "-0.25", "-2"],
                    ["ok", "4", "0.5", ""]]


def test_numeric_columns_of_the_csv_outputs_stay_numeric(run, tmp_path):
    path = portfolio(tmp_path, ["-1", "=2"])
    r = run("plan", path, "--format", "csv")
    frame = pd.read_csv(io.StringIO(r.stdout), keep_default_na=False)
    assert frame["outcome"].tolist() == ["'-1", "'=2"]
    assert pd.api.types.is_integer_dtype(frame["items"])
    assert pd.api.types.is_float_dtype(frame["probability"]) or (
        frame["probability"] == "").all()
    assert pd.api.types.is_float_dtype(frame["not_within_horizon"])
    for args in (("when", TEAM, "-n", 5), ("how-many", TEAM, "--days", 10)):
        r = run(*args, "--start", START, "--format", "csv")
        assert r.exit_code == 0, r.output
        frame = pd.read_csv(io.StringIO(r.stdout))
        numeric = [c for c in frame.columns if c not in ("question", "start", "end", "date")]
        assert all(pd.api.types.is_numeric_dtype(frame[c]) for c in numeric), frame.dtypes


def test_recorded_names_are_one_line_and_never_a_formula(run, tmp_path):
    log = tmp_path / "rec.csv"
    for name in ("=1+1\r@x", " \uff1d2", "ok\u2028=3"):
        r = run("when", TEAM, "-n", 5, "--start", START, "--record", log, "--name", name)
        assert r.exit_code == 0, r.output
    rows = assert_safe_csv(log.read_text(encoding="utf-8"), 4)
    assert [row[2] for row in rows[1:]] == ["'=1+1 @x", "'\uff1d2", "ok =3"]
    r = run("trend", log)
    assert r.exit_code == 0 and "incomplete" not in r.output


# --- --record: checked before the work -----------------------------------------------------

def no_work(monkeypatch):
    """Make the forecast itself fail the test: a refusal must come before it."""
    def fail(*args, **kwargs):
        raise AssertionError("the work ran before the record file was checked")

    monkeypatch.setattr(forecast.forecasting.questions, "when", fail)
    monkeypatch.setattr(forecast.forecasting.plan, "plan", fail)


def refuse_opening(monkeypatch, *, file=None, folder=None, err=errno.EACCES):
    """Make os.open refuse to write ``file``, or to create anything in ``folder``."""
    real = os.open

    def fake(path, flags, *args, **kwargs):
        target = pathlib.Path(os.fsdecode(path))
        writing = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
        if writing and (target == file or target.parent == folder):
            raise OSError(err, os.strerror(err), str(target))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake)


def test_an_unwritable_record_file_fails_before_the_work(run, tmp_path, monkeypatch):
    log = tmp_path / "rec.csv"
    assert run("when", TEAM, "-n", 5, "--start", START, "--record", log).exit_code == 0
    before = log.read_bytes()
    no_work(monkeypatch)
    refuse_opening(monkeypatch, file=log)
    out = tmp_path / "w.csv"
    one_line_error(run("when", TEAM, "-n", 5, "--start", START, "--record", log, "-o", out),
                   f"cannot write to record file '{log}'", "Permission denied", "--record")
    assert log.read_bytes() == before and not out.exists()


def test_a_record_file_that_cannot_be_created_fails_before_the_work(run, tmp_path,
                                                                    monkeypatch):
    log = tmp_path / "new.csv"
    no_work(monkeypatch)
    refuse_opening(monkeypatch, folder=tmp_path, err=errno.EROFS)
    one_line_error(run("when", TEAM, "-n", 5, "--start", START, "--record", log),
                   f"cannot create record file '{log}'", "Read-only file system", "--record")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="permissions do not stop root")
def test_a_read_only_record_file_and_folder_for_real(run, tmp_path, monkeypatch):
    log = tmp_path / "rec.csv"
    assert run("when", TEAM, "-n", 5, "--start", START, "--record", log).exit_code == 0
    no_work(monkeypatch)
    log.chmod(0o444)
    try:
        one_line_error(run("when", TEAM, "-n", 5, "--start", START, "--record", log),
                       "cannot write to record file", "Permission denied")
    finally:
        log.chmod(0o644)
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        one_line_error(run("when", TEAM, "-n", 5, "--start", START, "--record",
                           folder / "r.csv"), "cannot create record file", "Permission denied")
    finally:
        folder.chmod(0o755)


def test_special_files_and_missing_folders_are_named_as_what_they_are(run, tmp_path,
                                                                      monkeypatch):
    no_work(monkeypatch)
    device = tmp_path / "null.csv"
    device.symlink_to(os.devnull)
    full = tmp_path / "full.csv"
    full.symlink_to("/dev/full")
    a_file = tmp_path / "file"
    a_file.write_text("x")
    cases = [(device, "is a character device, not a regular file"),
             (full, "is a character device, not a regular file"),
             (a_file / "r.csv", "is a file, not a folder"),
             (tmp_path / "none" / "r.csv", "'" + str(tmp_path / "none") + "', does not exist")]
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "fifo.csv"
        os.mkfifo(fifo)
        cases.append((fifo, "is a named pipe (FIFO), not a regular file"))
    for path, fragment in cases:
        one_line_error(run("plan", "examples/portfolio.toml", "--record", path), fragment)
    folder = tmp_path / "dir.csv"
    folder.mkdir()
    one_line_error(run("when", TEAM, "-n", 5, "--record", folder), "is a directory")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_trend_names_a_fifo_device_or_directory_and_never_blocks(tmp_path):
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    folder = tmp_path / "dir.csv"
    folder.mkdir()
    cases = [(fifo, "is a named pipe (FIFO), not a regular file"),
             (pathlib.Path(os.devnull), "is a character device, not a regular file"),
             (folder, "is a directory, not a regular file"),
             (tmp_path / "missing.csv", "does not exist")]
    for path, fragment in cases:
        r = subprocess.run([sys.executable, "-m", "forecast", "trend", str(path)],
                           capture_output=True, text=True, timeout=120, cwd=ROOT,
                           stdin=subprocess.DEVNULL)
        assert r.returncode == 2 and r.stdout == "", r
        assert r.stderr.count("\n") == 1 and fragment in r.stderr, r.stderr


def test_trend_of_an_empty_or_binary_record_file(run, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    one_line_error(run("trend", empty), "is empty", "record one with --record")
    binary = tmp_path / "bin.csv"
    binary.write_bytes(",".join(RECORD_COLUMNS).encode() + b"\n\xff\xfe\x00")
    one_line_error(run("trend", binary), "is not a forecast record file", "not UTF-8")


# --- --record: a failed append leaves the file as it was ---------------------------------

def fail_appends(monkeypatch, *, at="write"):
    """Make the record's append fail as on a full disk: half of it is written, then ENOSPC."""
    opened = []
    real_open = forecast.io.records._open_for_append
    real_write, real_fsync = os.write, os.fsync

    def opening(target):
        fd = real_open(target)
        opened.append(fd)
        return fd

    def write(fd, data):
        if fd in opened and at == "write":
            if len(data) > 1:
                return real_write(fd, bytes(data[: len(data) // 2]))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    def fsync(fd):
        if fd in opened and at == "fsync":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_fsync(fd)

    monkeypatch.setattr(forecast.io.records, "_open_for_append", opening)
    monkeypatch.setattr(os, "write", write)
    monkeypatch.setattr(os, "fsync", fsync)


@pytest.mark.parametrize("at", ["write", "fsync"])
def test_a_full_disk_leaves_no_cut_short_row(run, tmp_path, monkeypatch, at):
    log = tmp_path / "rec.csv"
    assert run("when", TEAM, "-n", 5, "--start", START, "--record", log).exit_code == 0
    before = log.read_bytes()
    with monkeypatch.context() as patch:
        fail_appends(patch, at=at)
        r = run("when", TEAM, "-n", 7, "--start", START, "--record", log)
    assert r.exit_code == 2 and "Traceback" not in r.output, r.output
    err = r.stderr.splitlines()
    assert len(err) == 1 and err[0].startswith("forecast: error: cannot append to record file")
    assert "No space left on device" in err[0] and "is as it was" in err[0]
    assert log.read_bytes() == before  # cut back: no half row
    # and the next append, with room, is whole
    assert run("when", TEAM, "-n", 7, "--start", START, "--record", log).exit_code == 0
    result = trend(log)
    assert len(result.rows) == 2 and not result.skipped


def test_a_full_disk_on_a_new_record_file(run, tmp_path, monkeypatch):
    log = tmp_path / "rec.csv"
    fail_appends(monkeypatch)
    r = run("plan", "examples/portfolio.toml", "--trials", 300, "--record", log)
    assert r.exit_code == 2 and "cannot append to record file" in r.stderr
    assert log.read_bytes() == b""  # an empty file counts as new
    monkeypatch.undo()
    assert run("plan", "examples/portfolio.toml", "--trials", 300, "--record", log).exit_code == 0
    assert log.read_text().splitlines()[0] == ",".join(RECORD_COLUMNS)


# --- --record: concurrent recorders ------------------------------------------------------

RECORDER = r"""
import pathlib, sys, time
import forecast
from forecast.io.records import record

folder, me = pathlib.Path(sys.argv[1]), sys.argv[2]
n, repetitions = int(sys.argv[3]), int(sys.argv[4])
h = forecast.History.from_counts(["2024-06-03", "2024-06-04", "2024-06-05"], [1, 2, 0])
result = forecast.when(h, 10, start="2024-06-06", method="daily")
for rep in range(repetitions):
    gate = folder / f"gate-{rep}"
    gate.mkdir(exist_ok=True)
    (gate / me).touch()
    deadline = time.monotonic() + 120
    while len(list(gate.iterdir())) < n:    # a barrier: every recorder is here
        if time.monotonic() > deadline:
            sys.exit(f"recorder {me}: the others never reached repetition {rep}")
        pass
    record(result, folder / f"rec-{rep}.csv", name=f"writer {me}")
"""


def start(argv, **kwargs):
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def finish_all(procs, timeout=300):
    """Wait for every process; kill those still running (also when the test fails)."""
    outputs = []
    try:
        deadline = time.monotonic() + timeout
        for proc in procs:
            out, err = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
            outputs.append((proc.returncode, out, err))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    return outputs


def assert_one_header(path, writers):
    lines = path.read_text().splitlines()
    assert lines[0] == ",".join(RECORD_COLUMNS)
    assert lines.count(",".join(RECORD_COLUMNS)) == 1, lines
    assert len(lines) == 1 + len(writers)
    result = trend(path)
    assert not result.skipped
    assert sorted(r["outcome"] for r in result.rows) == sorted(writers)


@pytest.mark.skipif(forecast.io.records.LOCKING == "none", reason="no file locks here")
def test_concurrent_recorders_write_one_header_and_whole_rows(tmp_path):
    n, repetitions = 4, 40
    procs = []
    try:
        for me in range(n):
            procs.append(start([sys.executable, "-c", RECORDER, str(tmp_path), str(me), str(n),
                                str(repetitions)], cwd=ROOT))
    finally:
        outputs = finish_all(procs)
    assert [code for code, _, _ in outputs] == [0] * n, outputs
    for rep in range(repetitions):
        assert_one_header(tmp_path / f"rec-{rep}.csv", [f"writer {me}" for me in range(n)])


GATED_CLI = r"""
import os, pathlib, sys, time
import forecast.io.records as records

gate, n = pathlib.Path(os.environ["FORECAST_TEST_GATE"]), int(os.environ["FORECAST_TEST_N"])
real = records.record

def gated(*args, **kwargs):
    (gate / str(os.getpid())).touch()
    deadline = time.monotonic() + 120
    while len(list(gate.iterdir())) < n:    # a barrier just before the append
        if time.monotonic() > deadline:
            sys.exit("the other recorders never came")
    return real(*args, **kwargs)

records.record = gated
from forecast.cli.app import main
sys.argv[0] = "forecast"
main()
"""


@pytest.mark.skipif(forecast.io.records.LOCKING == "none", reason="no file locks here")
def test_concurrent_cli_recorders_to_one_new_file(tmp_path):
    n, rounds = 3, 1
    for round_ in range(rounds):
        gate = tmp_path / f"gate-{round_}"
        gate.mkdir()
        log = tmp_path / f"rec-{round_}.csv"
        env = {**os.environ, "FORECAST_TEST_GATE": str(gate), "FORECAST_TEST_N": str(n)}
        procs = []
        try:
            for me in range(n):
                procs.append(start([sys.executable, "-c", GATED_CLI, "when", TEAM, "-n", "5",
                                    "--start", START, "--record", str(log), "--name",
                                    f"cli {me}"], cwd=ROOT, env=env))
        finally:
            outputs = finish_all(procs)
        assert [code for code, _, _ in outputs] == [0] * n, outputs
        assert all(f"recorded 1 row in {log}" in err for _, _, err in outputs)
        assert_one_header(log, [f"cli {me}" for me in range(n)])


def test_a_repeated_header_is_skipped_by_trend(tmp_path):
    log = tmp_path / "rec.csv"
    h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    record(forecast.when(h, 5, start="2024-06-05"), log, name="a")
    with open(log, "a") as handle:  # what two unlocked recorders could leave
        handle.write(",".join(RECORD_COLUMNS) + "\n")
    record(forecast.when(h, 6, start="2024-06-05"), log, name="a")
    result = trend(log)
    assert len(result.rows) == 2 and not result.skipped


def test_a_record_file_held_by_another_process_times_out_in_one_line(run, tmp_path,
                                                                    monkeypatch):
    fcntl = pytest.importorskip("fcntl")
    log = tmp_path / "rec.csv"
    assert run("when", TEAM, "-n", 5, "--start", START, "--record", log).exit_code == 0
    before = log.read_bytes()
    monkeypatch.setattr(forecast.io.records, "LOCK_TIMEOUT", 0.2)
    holder = start([sys.executable, "-c",
                    "import fcntl, sys, time\n"
                    "f = open(sys.argv[1], 'ab'); fcntl.flock(f, fcntl.LOCK_EX)\n"
                    "print('held', flush=True); time.sleep(600)", str(log)])
    try:
        assert holder.stdout.readline() == "held\n"
        r = run("when", TEAM, "-n", 6, "--start", START, "--record", log)
    finally:
        holder.kill()
        holder.communicate()
    assert r.exit_code == 2 and r.stderr.count("\n") == 1, r.output
    assert "is held by another process" in r.stderr and "not recorded" in r.stderr
    assert log.read_bytes() == before
    assert fcntl is not None

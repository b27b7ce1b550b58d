"""What the commands write: checks first, then the text, the picture and the record.

Every output path and the format are settled before any work is done
(:func:`check_outputs`); the work then renders everything in memory
(:func:`render`: a table, CSV or JSON, a figure, a distribution CSV), and
:func:`finish` writes each file atomically, Ctrl-C held back meanwhile,
then appends to the record. The library is imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from forecast.cli.runtime import WRITTEN, Writing

PLOT_SUFFIXES = (".png", ".svg")
"""What --plot writes, chosen by the file's suffix."""

TEXT_SUFFIXES = ("", ".txt", ".text", ".md", ".log", ".out")
"""--output suffixes that take the table (``.csv`` and ``.json`` choose those formats)."""


def check_suffix(path: Path, suffixes: tuple[str, ...], option: str, why: str) -> None:
    """Refuse a path of ``option`` whose suffix is not one of ``suffixes`` (saying ``why``)."""
    if path.suffix.lower() not in suffixes:
        shown = " or ".join(suffixes)
        raise click.BadParameter(f"'{path}' must end in {shown} ({why})",
                                 param_hint=f"'{option}'")


def _same(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def check_outputs(opts: dict[str, Any]) -> None:
    """Check every output path and settle the format before any work is done."""
    from forecast.io.output import check_output

    protect = [Path(p) for p in opts.get("protect", []) if p is not None]
    output, plot_path = opts["output"], opts.get("plot")
    distribution = opts.get("distribution")
    if output is not None and str(output) == "-":
        output = opts["output"] = None
    if plot_path is not None:
        check_suffix(plot_path, PLOT_SUFFIXES, "--plot", "the suffix chooses the image format")
    elif opts.get("plot_kind") not in (None, "histogram"):
        raise click.UsageError(f"--plot-kind {opts['plot_kind']} needs --plot FILE")
    if distribution is not None:
        check_suffix(distribution, (".csv",), "--distribution", "it is a CSV file")
    files = [(name, path) for name, path in
             (("--output", output), ("--plot", plot_path), ("--distribution", distribution))
             if path is not None]
    for i, (name, path) in enumerate(files):
        for other, other_path in files[i + 1:]:
            if _same(path, other_path):
                raise click.BadParameter(f"{name} and {other} name the same file; give two "
                                         "paths")
        check_output(path, protect=protect)
    if opts.get("record") is not None:
        rec = opts["record"]
        if any(Path(p).exists() and rec.exists() and _same(rec, Path(p)) for p in protect):
            raise click.BadParameter(f"'{rec}' is an input file; give a record file",
                                     param_hint="'--record'")
        if any(_same(rec, path) for _, path in files):
            raise click.BadParameter(f"'{rec}' is also an output of this run; give another "
                                     "record file", param_hint="'--record'")
        _check_record_file(rec)
    _settle_format(opts, output)
    opts["protect"] = protect
    _note_exact_engine(opts)


def _settle_format(opts: dict[str, Any], output: Path | None) -> None:
    """Choose the output format from --format and the --output suffix, which must agree."""
    ctx = click.get_current_context()
    choices = next((getattr(p.type, "choices", None) for p in ctx.command.params
                    if p.name == "fmt"), None)
    if choices is None:  # a command with one output format (the report) checks its own
        return
    by_suffix = None
    if output is not None:
        suffix = output.suffix.lower()
        by_suffix = {".csv": "csv", ".json": "json"}.get(suffix)
        if by_suffix is None and suffix not in TEXT_SUFFIXES:
            raise click.BadParameter(
                f"'{output}': {suffix} is not a format this command writes; end it in "
                f"{', '.join('.txt' if c == 'table' else '.' + c for c in choices)}"
                " (pictures go with --plot)", param_hint="'--output'")
    fmt = opts["fmt"]
    if by_suffix is None and output is not None and output.suffix:
        by_suffix = "table"  # .txt and the like: the table
    if fmt is None:
        fmt = by_suffix or "table"
    elif by_suffix is not None and by_suffix != fmt:
        raise click.BadParameter(f"--format {fmt} does not match '{output}'; give one of "
                                 "them, or make them agree", param_hint="'--format'")
    if fmt not in choices:
        raise click.BadParameter(f"'{output}' asks for {fmt}, and this command writes "
                                 f"{' or '.join(choices)}", param_hint="'--output'")
    opts["fmt"] = fmt


def _check_record_file(path: Path) -> None:
    """Refuse, before any work, a --record file that cannot take this run's record.

    It must end in .csv and be a record file (or new) that can be written, in a
    folder that exists (:func:`forecast.io.records.check_record_file`): a failure
    is one line and status 2 before anything is computed or printed.
    """
    from forecast.io.records import check_record_file

    check_suffix(path, (".csv",), "--record", "a record file is a CSV")
    check_record_file(path)


def _note_exact_engine(opts: dict[str, Any]) -> None:
    ctx = click.get_current_context()
    if opts.get("engine", "mc") != "mc":
        given = [f"--{name}" for name in ("trials", "seed")
                 if ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE]
        if given:
            verb = "applies" if len(given) == 1 else "apply"
            click.echo(f"note: {' and '.join(given)} {verb} to --engine mc; the exact engine "
                       "has no sampling noise", err=True)


def _csv(frame: Any) -> str:
    """CSV text of a frame, every text cell made safe for spreadsheets (one row, one line)."""
    from forecast.io.output import csv_text

    return csv_text(frame)


def _image(draw: Callable[[Any], Any], suffix: str) -> bytes:
    """Draw a figure with ``draw(plot_module)`` (returning its axes) and return its bytes."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from forecast.present import plot as plots
    from forecast.present.plot.style import LITERAL_TEXT

    ax = draw(plots)
    try:
        buffer = io.BytesIO()
        with matplotlib.rc_context(LITERAL_TEXT):  # user names drawn as written, never as math
            ax.figure.savefig(buffer, format=suffix.lower().lstrip("."), dpi=120,
                              bbox_inches="tight")
    finally:
        plt.close(ax.figure)
    return buffer.getvalue()


def render(result: Any, opts: dict[str, Any], plot: Callable[..., Any] | None,
           text: str | None = None, distribution: Callable[[Any], Any] | None = None,
           ) -> dict[str, Any]:
    """Everything the command will write, made in memory (nothing is written yet)."""
    fmt = opts["fmt"]
    if text is None:
        if fmt == "json":
            text = result.to_json()
        elif fmt == "csv":
            text = _csv(result.to_frame())
        else:
            text = str(result) + "\n"
    out: dict[str, Any] = {"text": text, "result": result}
    if opts.get("plot") is not None and plot is not None:
        out["image"] = _image(lambda plots: plot(plots, result), opts["plot"].suffix)
    if opts.get("distribution") is not None and distribution is not None:
        out["distribution"] = _csv(distribution(result))
    return out


def _write_text(text: str, opts: dict[str, Any]) -> None:
    from forecast.io.output import write_atomic

    if opts["output"] is not None:
        with Writing():
            write_atomic(opts["output"], text, protect=opts["protect"])
            WRITTEN.append(opts["output"])
        click.echo(f"wrote {opts['output']}", err=True)
    else:
        click.echo(text, nl=False)


def write_record(result: Any, opts: dict[str, Any]) -> None:
    """Append the forecast to the --record file (Ctrl-C held back meanwhile)."""
    from forecast.io.records import record

    with Writing():
        rows = record(result, opts["record"], name=opts.get("name"))
        WRITTEN.append(opts["record"])
    click.echo(f"recorded {rows} row{'s' if rows != 1 else ''} in {opts['record']}", err=True)


def finish(rendered: dict[str, Any], opts: dict[str, Any]) -> None:
    """Write what :func:`render` made: each file atomically, then the record."""
    from forecast.io.output import write_atomic

    _write_text(rendered["text"], opts)
    for key, option in (("image", "plot"), ("distribution", "distribution")):
        if key in rendered:
            with Writing():
                write_atomic(opts[option], rendered[key], protect=opts["protect"])
                WRITTEN.append(opts[option])
            click.echo(f"wrote {opts[option]}", err=True)
    if opts.get("record") is not None:
        write_record(rendered["result"], opts)


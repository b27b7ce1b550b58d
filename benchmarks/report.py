"""Print the newest benchmark run as Markdown: timings, team-days/s and target ratios.

Usage (from the repository root, after ``make bench``)::

    .venv/bin/python benchmarks/report.py [RUN.json]

Without an argument, the newest ``*.json`` under ``.benchmarks/`` is read
(``make bench`` writes ``.benchmarks/latest.json``; runs saved with
``--benchmark-autosave`` are found there too).
"""

from __future__ import annotations

import json
import math
import os
import platform
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STORE = ROOT / ".benchmarks"

LABELS = {
    "kernel_parallel": "MC kernel `when_days` (parallel)",
    "kernel_serial": "MC kernel `when_days_serial`",
    "bare_prange": "bare @njit loop, prange",
    "bare_serial": "bare @njit loop, serial",
    "numpy": "numpy vectorised (Generator, cumsum/argmax)",
    "python": "pure Python loop (random.Random)",
    "exact_when": "exact `when_pmf` (50 items, horizon 2600)",
    "kernel_how_many": "MC kernel `how_many_totals` (parallel), 20 days",
    "exact_how_many": "exact `how_many_pmf`, 20 days",
    "when_default": "`forecast.when(method=\"daily\")` (the peer's model; engine auto = exact), "
                    "end to end",
    "when_auto": "`forecast.when` default (method auto: a year-long exact backtest, then "
                 "the forecast), end to end, a fresh History each call",
    "when_auto_warm": "`forecast.when` default, the same History again (its backtest's "
                      "scores kept)",
    "plan_auto_50": "`plan_arrays`, 50 teams on auto (2 years of history each): choosing "
                    "methods",
    "rolling_500": "`forecast.how_many` default at 500 weekly origins of one history",
    "cli_import_floor": "`python -c \"import numpy, pandas, numba\"` (import floor)",
    "cli_when": "`forecast when examples/team.csv --items 40 --start 2024-06-03`",
    "cli_report": "`forecast report examples/portfolio.toml`",
    "when_mc": "`forecast.when(engine='mc')`, end to end",
    "peer": "peer `montecarlo_swe.forecast_date`",
    "plan_arrays_20x200": "`plan_arrays` 20 teams x 200 outcomes",
    "plan_arrays_50x1000": "`plan_arrays` 50 teams x 1000 outcomes",
    "plan_parallel_20x200": "plan kernel `plan_days` (parallel), 20x200, 730 days",
    "plan_serial_20x200": "plan kernel `plan_days_serial`, 20x200, 730 days",
    "plan_parallel_50x1000": "plan kernel `plan_days` (parallel), 50x1000, 730 days",
    "plan_serial_50x1000": "plan kernel `plan_days_serial`, 50x1000, 730 days",
    "when_portfolio_parallel": "MC kernel `when_days` (parallel), portfolio team sample",
    "when_portfolio_serial": "MC kernel `when_days_serial`, portfolio team sample",
    "plan_memory_baseline": "peak-memory subprocess: baseline (wall time)",
    "plan_memory_kernel": "peak-memory subprocess: 50x1000 kernel (wall time)",
    "plan_memory_plan": "peak-memory subprocess: 50x1000 `forecast.plan` (wall time)",
}
ORDER = list(LABELS)


def newest(store: Path = STORE) -> Path:
    runs = [p for p in store.rglob("*.json") if p.is_file()]
    if not runs:
        raise SystemExit(f"no benchmark JSON under {store}: run `make bench` first")
    return max(runs, key=lambda p: p.stat().st_mtime)


def fmt_time(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds):
        return "—"
    if seconds < 1e-3:
        return f"{seconds * 1e6:,.1f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:,.2f} ms"
    return f"{seconds:,.3f} s"


def fmt_rate(rate: float | None) -> str:
    if not rate:
        return "—"
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if rate >= scale:
            return f"{rate / scale:,.2f} {unit}"
    return f"{rate:,.0f}"


def fmt_ratio(ratio: float | None) -> str:
    if ratio is None or not math.isfinite(ratio):
        return "—"
    if ratio >= 1000:
        return f"{ratio:,.0f}x"
    if ratio >= 100:
        return f"{ratio:,.1f}x"
    return f"{ratio:,.2f}x"


def fmt_trials(trials: int | None) -> str:
    if not trials:
        return "—"
    if trials >= 1_000_000 and trials % 1_000_000 == 0:
        return f"{trials // 1_000_000}M"
    if trials >= 1000 and trials % 1000 == 0:
        return f"{trials // 1000}k"
    return f"{trials:,}"


def live_machine() -> dict[str, Any]:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu_model": model, "logical_cpus": os.cpu_count()}


class Run:
    """One pytest-benchmark JSON run, indexed by ``(impl, trials)``."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.rows: dict[tuple[str, int | None], dict[str, Any]] = {}
        for bench in data.get("benchmarks", []):
            info = bench.get("extra_info", {})
            impl = info.get("impl")
            if impl is None:
                continue
            stats = bench["stats"]
            median = stats["median"]
            team_days = info.get("team_days")
            self.rows[(impl, info.get("trials"))] = {
                "name": bench["name"],
                "group": bench.get("group") or "",
                "impl": impl,
                "trials": info.get("trials"),
                "median": median,
                "min": stats["min"],
                "rounds": stats["rounds"],
                "team_days": team_days,
                "rate": team_days / median if team_days and median else None,
                "rate_min": team_days / stats["min"] if team_days and stats["min"] else None,
                "info": info,
            }

    def get(self, impl: str, trials: int | None) -> dict[str, Any] | None:
        return self.rows.get((impl, trials))


def ratio(top: float | None, bottom: float | None) -> float | None:
    if top is None or bottom is None or bottom == 0:
        return None
    return top / bottom


def verdict(value: float | None, target: float | None) -> str:
    if target is None:
        return "(info)"
    if value is None:
        return "not run"
    if value >= target:
        return "met"
    return f"**MISSED**: {100 * value / target:.3g}% of target"


def implementation_table(run: Run) -> list[str]:
    lines = [
        "| implementation | trials | median | min | rounds | team-days/call | "
        "team-days/s (median) | team-days/s (min) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]

    def key(row: dict[str, Any]) -> tuple[int, int]:
        return ORDER.index(row["impl"]) if row["impl"] in ORDER else 99, row["trials"] or 0

    for row in sorted(run.rows.values(), key=key):
        days = f"{row['team_days']:,}" if row["team_days"] else "—"
        lines.append(
            f"| {LABELS.get(row['impl'], row['impl'])} | {fmt_trials(row['trials'])} | "
            f"{fmt_time(row['median'])} | {fmt_time(row['min'])} | {row['rounds']} | {days} | "
            f"{fmt_rate(row['rate'])} | {fmt_rate(row['rate_min'])} |"
        )
    return lines


def ratio_rows(run: Run) -> list[tuple[str, str, float | None, float | None, float | None]]:
    """``(comparison, basis, ratio by medians, ratio by mins, target)`` rows."""
    out: list[tuple[str, str, float | None, float | None, float | None]] = []

    def speed(a: tuple[str, int | None], b: tuple[str, int | None], label: str,
              basis: str, target: float | None) -> None:
        ra, rb = run.get(*a), run.get(*b)
        if ra is None or rb is None:
            out.append((label, basis, None, None, target))
            return
        out.append((label, basis, ratio(ra["rate"], rb["rate"]),
                    ratio(ra["rate_min"], rb["rate_min"]), target))

    def faster(fast: tuple[str, int | None], slow: tuple[str, int | None], label: str,
               basis: str, target: float | None) -> None:
        rf, rs = run.get(*fast), run.get(*slow)
        if slow[0] == "two_seconds":  # a fixed time, not a benchmark
            rs = {"median": 2.0, "min": 2.0}
        if rf is None or rs is None:
            out.append((label, basis, None, None, target))
            return
        out.append((label, basis, ratio(rs["median"], rf["median"]),
                    ratio(rs["min"], rf["min"]), target))

    for n in (10_000, 1_000_000):
        t = fmt_trials(n)
        speed(("kernel_parallel", n), ("bare_prange", n),
              "kernel / bare loop (parallel)", f"team-days/s, {t} trials", 0.5)
        speed(("kernel_serial", n), ("bare_serial", n),
              "kernel / bare loop (serial)", f"team-days/s, {t} trials", 0.5)
    for n in (10_000, 1_000_000):
        t = fmt_trials(n)
        speed(("kernel_parallel", n), ("numpy", n),
              "kernel (parallel) / numpy vectorised", f"team-days/s, {t} trials", 50)
        speed(("kernel_serial", n), ("numpy", n),
              "kernel (serial) / numpy vectorised", f"team-days/s, {t} trials", None)
    faster(("exact_when", None), ("kernel_parallel", 100_000),
           "exact vs 100k-trial MC kernel, When", "time, x faster", 100)
    faster(("exact_how_many", None), ("kernel_how_many", 100_000),
           "exact vs 100k-trial MC kernel, How-many 20 days", "time, x faster", 100)
    faster(("when_default", None), ("peer", 10_000),
           "our `when(method='daily')` vs peer (10k trials), same model", "time, x faster", 100)
    faster(("when_auto", None), ("peer", 10_000),
           "our default `when` (auto) vs peer (10k trials)", "time, x faster", 1000)
    faster(("when_auto", None), ("when_default", None),
           "default `when` within 20x of `method='daily'` (daily / auto)", "time ratio",
           1 / 20)
    faster(("when_auto_warm", None), ("peer", 10_000),
           "our default `when`, same History again, vs peer", "time, x faster", None)
    faster(("cli_when", None), ("cli_import_floor", None),
           "CLI `when` within 1.3x of the import floor (floor / when)", "time ratio", 1 / 1.3)
    faster(("cli_report", None), ("cli_import_floor", None),
           "CLI `report` within 3x of the import floor (floor / report)", "time ratio", 1 / 3)
    faster(("plan_auto_50", None), ("two_seconds", None),
           "50-team plan on auto: choosing under 2 s (2 s / time)", "time ratio", 1.0)
    rolling = run.get("rolling_500", None)
    if rolling is not None:
        per_s = 500 / rolling["median"]
        out.append(("rolling evaluation: 200 forecasts/s (forecasts/s / 200)",
                    f"{per_s:,.0f} forecasts/s", per_s / 200, per_s / 200, 1.0))
    faster(("when_mc", 10_000), ("peer", 10_000),
           "our `when(engine='mc')` 10k vs peer 10k", "time, x faster", None)
    speed(("kernel_parallel", 1_000_000), ("python", 2_000),
          "kernel (parallel, 1M) / pure Python (2k)", "team-days/s", None)
    speed(("kernel_parallel", 1_000_000), ("kernel_serial", 1_000_000),
          "parallel / serial kernel", "team-days/s, 1M trials", None)
    return out


def agreement_lines(run: Run) -> list[str]:
    rows = run.data.get("forecast_bench", {}).get("agreement", [])
    if not rows:
        return ["(no agreement figures in this run)"]
    levels = list(rows[0]["diff"])
    head = " | ".join(f"P{p} diff" for p in levels)
    lines = [
        f"| question | engine | {head} | engine P50/P85/P95 | exact P50/P85/P95 |",
        "| --- | --- | " + " | ".join("---:" for _ in levels) + " | --- | --- |",
    ]
    for row in rows:
        diffs = " | ".join(f"{row['diff'][p]:+d}" for p in levels)
        values = "/".join(str(v) for v in row["values"].values())
        exact = "/".join(str(v) for v in row["exact"].values())
        lines.append(f"| {row['question']} | {row['engine']} | {diffs} | {values} | {exact} |")
    return lines


def peer_agreement_check(run: Run) -> str:
    ours, peer = run.get("when_default", None), run.get("peer", 10_000)
    if ours is None or peer is None:
        return "agreement check: not run"
    worst_ours = max(abs(int(d)) for d in ours["info"]["diff_vs_exact"].values())
    worst_peer = max(abs(int(d)) for d in peer["info"]["diff_vs_exact"].values())
    ok = worst_ours <= worst_peer
    return (
        f"Agreement with exact (max |days| over P50/P85/P95): our `when(method='daily')` "
        f"{worst_ours}, "
        f"peer {worst_peer}: {'equal or better: met' if ok else '**MISSED**'}."
    )


# --------------------------------------------------------------------------- portfolio scale

PORTFOLIO_CASES = (("20x200", "20 teams x 200 outcomes"), ("50x1000", "50 teams x 1000 outcomes"))
PLAN_RATIO_TARGET = 3.0  # plan kernel time per team-day / single-team kernel's, at most
MEMORY_TARGET = 1e9  # bytes: peak memory of the 50 x 1000 case, under


def fmt_ns(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1e9:,.2f} ns"


def fmt_bytes(value: float | None) -> str:
    return "—" if value is None else f"{value / 1e6:,.0f} MB"


def fmt_count(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value / 1e6:,.1f}M" if value >= 1e6 else f"{value:,.0f}"


def at_most(values: list[float | None], target: float) -> str:
    """Verdict for figures that must not exceed ``target`` (one per case)."""
    got = [v for v in values if v is not None]
    if not got:
        return "not run"
    if len(got) < len(values):
        return "incomplete run"
    worst = max(got)
    if worst <= target:
        return "met"
    return f"**MISSED**: {worst / target:.3g}x the target"


def per_day(row: dict[str, Any] | None, key: str = "median",
            days: str = "team_days") -> float | None:
    """Seconds per team-day of a benchmark row (by its median or min time)."""
    if row is None:
        return None
    count = row["team_days"] if days == "team_days" else row["info"].get(days)
    return row[key] / count if count else None


def portfolio_table(run: Run) -> list[str]:
    plan = {(c, m): run.get(f"plan_{m}_{c}", 10_000) for c, _ in PORTFOLIO_CASES
            for m in ("parallel", "serial")}
    build = {c: run.get(f"plan_arrays_{c}", None) for c, _ in PORTFOLIO_CASES}
    when = {m: run.get(f"when_portfolio_{m}", 10_000) for m in ("parallel", "serial")}
    memory = {w: run.get(f"plan_memory_{w}", None if w == "baseline" else 10_000)
              for w in ("baseline", "kernel", "plan")}
    if not any(plan.values()) and not any(build.values()) and not any(memory.values()):
        return ["(no portfolio-scale benchmarks in this run)"]
    cases = [c for c, _ in PORTFOLIO_CASES]
    lines = [
        "| figure | " + " | ".join(name for _, name in PORTFOLIO_CASES) + " | target | verdict |",
        "| --- | " + " | ".join("---:" for _ in cases) + " | ---: | --- |",
    ]

    def row(label: str, cells: list[str], target: str = "—", verdict_: str = "(info)") -> None:
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {target} | {verdict_} |")

    def info(c: str, key: str) -> Any:
        r = plan[(c, "parallel")] or plan[(c, "serial")]
        return None if r is None else r["info"].get(key)

    def facts(c: str) -> str:
        r = build[c]
        if r is None:
            return "—"
        i = r["info"]
        return (f"{i['parts']:,} parts; {i['multi_team_outcomes']} multi-team, "
                f"{i['dependent_outcomes']} dependent ({i['dependencies']} deps), "
                f"{i['risks']} risks; mean part {i['mean_part_items']:.0f} items")

    row("portfolio", [facts(c) for c in cases])

    def span(c: str) -> str:
        if info(c, "span_p50") is None:
            return "—"
        return (f"{info(c, 'span_p50'):.0f} / {info(c, 'span_p95'):.0f} / "
                f"{info(c, 'span_max')} ({100 * info(c, 'all_done_share'):.2f}% all done)")

    row("calendar days to the last outcome: P50 / P95 / max (of 730)", [span(c) for c in cases])

    def timing(r: dict[str, Any] | None) -> str:
        if r is None:
            return "—"
        return f"{fmt_time(r['median'])} ({fmt_time(r['min'])}, {r['rounds']} rounds)"

    row("build kernel inputs, `plan_arrays`: median (min, rounds)",
        [timing(build[c]) for c in cases])
    row("`plan_arrays` first call (cold)",
        [fmt_time(build[c]["info"].get("cold_first_call_s")) if build[c] else "—"
         for c in cases])

    def days(c: str) -> str:
        if info(c, "calendar_team_days") is None:
            return "—"
        return (f"{fmt_count(info(c, 'calendar_team_days'))} "
                f"({fmt_count(info(c, 'working_team_days'))} working)")

    row("team-days per 10k-trial call: calendar (working)", [days(c) for c in cases])
    for mode, name in (("parallel", "`plan_days` (parallel)"), ("serial", "`plan_days_serial`")):
        row(f"plan kernel {name}, 10k trials: median (min, rounds)",
            [timing(plan[(c, mode)]) for c in cases])
        row(f"plan kernel {name}: time per team-day, median (min)",
            [f"{fmt_ns(per_day(plan[(c, mode)]))} ({fmt_ns(per_day(plan[(c, mode)], 'min'))})"
             for c in cases])
    for mode, name in (("parallel", "`when_days` (parallel)"), ("serial", "`when_days_serial`")):
        r = when[mode]
        cell = "—"
        if r is not None:
            cell = f"{fmt_ns(per_day(r))} ({fmt_ns(per_day(r, 'min'))})"
        row(f"single-team {name}, same run (¹): time per team-day, median (min)",
            [cell for _ in cases])

    def ratios(mode: str, key: str = "median", plan_days: str = "team_days") -> list[float | None]:
        return [ratio(per_day(plan[(c, mode)], key, plan_days), per_day(when[mode], key))
                for c in cases]

    by_median, by_min = ratios("parallel"), ratios("parallel", "min")
    row("**plan / single-team time per team-day, parallel** (by medians; by mins)",
        [f"**{fmt_ratio(a)}** ({fmt_ratio(b)})" for a, b in zip(by_median, by_min, strict=True)],
        f"<= {fmt_ratio(PLAN_RATIO_TARGET)}", at_most(by_median, PLAN_RATIO_TARGET))
    ser, ser_min = ratios("serial"), ratios("serial", "min")
    row("plan / single-team time per team-day, serial (by medians; by mins)",
        [f"{fmt_ratio(a)} ({fmt_ratio(b)})" for a, b in zip(ser, ser_min, strict=True)])
    work = ratios("parallel", plan_days="working_team_days")
    row("plan / single-team, parallel, counting only working team-days (by medians)",
        [fmt_ratio(v) for v in work])
    row("plan kernel parallel / serial speed-up (by medians)",
        [fmt_ratio(ratio(plan[(c, "serial")]["median"], plan[(c, "parallel")]["median"]))
         if plan[(c, "serial")] and plan[(c, "parallel")] else "—" for c in cases])
    row("plan kernel (parallel) time / `plan_arrays` time (by medians)",
        [fmt_ratio(ratio(plan[(c, "parallel")]["median"], build[c]["median"]))
         if plan[(c, "parallel")] and build[c] else "—" for c in cases])

    def peak(w: str) -> float | None:
        r = memory[w]
        return None if r is None else r["info"].get("peak_rss_bytes")

    base, kern, end = peak("baseline"), peak("kernel"), peak("plan")
    source = next((memory[w]["info"].get("peak_from") for w in memory if memory[w]), None)
    row(f"peak memory ({source or 'not measured'}), baseline process (²)",
        ["—", fmt_bytes(base)])
    row("**peak memory, 50x1000: build + `plan_arrays` + parallel kernel, 10k trials** "
        "(whole process)", ["—", f"**{fmt_bytes(kern)}**"], f"< {fmt_bytes(MEMORY_TARGET)}",
        at_most([kern], MEMORY_TARGET - 1) if kern is not None else "not run")
    row("the same, above the baseline", ["—", fmt_bytes(kern - base if kern and base else None)],
        f"< {fmt_bytes(MEMORY_TARGET)}",
        at_most([kern - base], MEMORY_TARGET - 1) if kern and base else "not run")
    row("peak memory, 50x1000: `forecast.plan` end to end + `outcomes()` (whole process; "
        "above baseline)",
        ["—", f"{fmt_bytes(end)}; {fmt_bytes(end - base if end and base else None)}"])
    lines.append("")
    r = when["parallel"] or when["serial"]
    if r is not None:
        i = r["info"]
        lines.append(
            f"(¹) `when_days` on the {i.get('sample')} sample ({i.get('sample_days')} working "
            f"days), {i.get('items')} items (that team's expected load), horizon "
            f"{i.get('horizon_working_days')} working days; median "
            f"{i.get('median_days', 0):.0f} working days per trial."
        )
    lines.append(
        "(²) a fresh `python -c` process that imports forecast and numba and runs the plan "
        "kernel (parallel) once on a 2-team portfolio, so the compiled kernel is loaded and "
        "numba's threads are started. Each memory figure is from its own fresh process."
    )
    return lines


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else newest()
    data = json.loads(path.read_text())
    run = Run(data)
    extra = data.get("forecast_bench", {})
    mach = extra.get("machine") or live_machine()
    question = extra.get("question", {})

    print(f"# Benchmark report: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    print()
    print(f"Run at {data.get('datetime', '?')}")
    print()
    layer = mach.get("numba_threading_layer", "?")
    print(
        f"Machine: {mach.get('cpu_model')}, {mach.get('logical_cpus')} logical CPUs "
        f"({mach.get('usable_cpus', '?')} usable), numba {mach.get('numba', '?')} "
        f"({mach.get('numba_threads', '?')} threads, layer {layer}), "
        f"numpy {mach.get('numpy', '?')}, Python {mach.get('python', platform.python_version())}"
    )
    if question:
        print()
        print(
            f"Question: {question.get('history')}, start {question.get('start')}, "
            f"{question.get('window')}-day window; When {question.get('items')} items, "
            f"horizon {question.get('horizon')} working days; How-many "
            f"{question.get('how_many_days')} working days."
        )
    print()
    print("## Implementations")
    print()
    print("\n".join(implementation_table(run)))
    print()
    print("## Ratios against the project's targets")
    print()
    print("| comparison | basis | ratio (medians) | ratio (mins) | target | verdict (medians) |")
    print("| --- | --- | ---: | ---: | ---: | --- |")
    for label, basis, by_median, by_min, target in ratio_rows(run):
        tgt = f">= {fmt_ratio(target)}" if target is not None else "—"
        print(f"| {label} | {basis} | {fmt_ratio(by_median)} | {fmt_ratio(by_min)} | {tgt} | "
              f"{verdict(by_median, target)} |")
    print()
    print(peer_agreement_check(run))
    unsteady = [r for r in run.rows.values() if r["min"] and r["median"] > 1.5 * r["min"]]
    if unsteady:
        print()
        print("Unsteady timings (median more than 1.5 times the minimum):")
        for r in sorted(unsteady, key=lambda r: r["name"]):
            print(f"- {r['name']}: median {fmt_time(r['median'])}, min {fmt_time(r['min'])}")
    print()
    print("## Agreement with the exact engine (working days or items, engine minus exact)")
    print()
    print("\n".join(agreement_lines(run)))
    print()
    print("## Portfolio scale")
    print()
    print(
        "Synthetic portfolios (`benchmarks/portfolio_data.py`): Poisson(2) histories, "
        "weekday calendar, WIP 2, 10% multi-team and 10% dependent outcomes, a few risks; "
        "10,000 trials, horizon 730 calendar days. A plan call's team-days: sum over trials "
        "of teams x calendar days until its last outcome was done (or the horizon); the "
        "single-team kernel's: working days, as above."
    )
    print()
    print("\n".join(portfolio_table(run)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""A self-contained HTML report of a forecast: one file that opens anywhere, offline.

:func:`plan_report` reports a portfolio plan and :func:`question_report` a
single question (When or How many); :func:`write_report` writes either
atomically. A report reads top to bottom the way a delivery lead does: the
headline (each outcome's P85 date, target, chance and status, and the joint
chance) with status colours, then the charts, how the forecasts moved (with
a record file), the signals of each team's history (data quality, drift,
aging work), the calibration of each team's own past (backtest), and last
the inputs that reproduce it.

The file needs nothing from the network: charts are PNG images inlined as
``data:`` URIs, the style sheet is inline, and there is no script at all. A
Content-Security-Policy in the page forbids scripts and remote content too,
as a second fence behind the escaping: the markup is written only by the
Jinja2 templates in ``templates/`` (the page, and one per section), with
autoescaping on, from values this package computes as text; every piece of
user text (outcome, team, risk and file names, notes, warnings) is escaped
when a template writes it.

The package, one module a step:

- :mod:`~forecast.present.report.facts`: :class:`TeamFacts`, each team's
  signals and backtest (:data:`REPORT_BACKTEST`);
- :mod:`~forecast.present.report.figures`: the :class:`Figure` registry and
  the matplotlib panels drawn into the page;
- :mod:`~forecast.present.report.markup`: the values the templates take
  (tables, cards, spans) and the text they are made of;
- :mod:`~forecast.present.report.sections`: each section's values;
- :mod:`~forecast.present.report.page`: the Jinja2 environment and the page.

Charts are listed in :data:`PLAN_FIGURES`, :data:`QUESTION_FIGURES`,
:data:`SIGNAL_FIGURES`, :data:`CALIBRATION_FIGURES` and
:data:`TREND_FIGURES`; adding a chart is one :class:`Figure` line there. The
report reads those lists from :mod:`~forecast.present.report.figures` when it
draws: append to them (the same lists are here), or replace one there.

Examples
--------
>>> import forecast
>>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
>>> page = question_report(forecast.when(h, 10, start="2024-06-05"), h, backtest=False)
>>> page.startswith("<!DOCTYPE html>"), "<script" in page
(True, False)
"""

from forecast.present.report.facts import REPORT_BACKTEST, TeamFacts
from forecast.present.report.figures import (
    CALIBRATION_FIGURES,
    PLAN_FIGURES,
    QUESTION_FIGURES,
    SIGNAL_FIGURES,
    TREND_FIGURES,
    Figure,
)
from forecast.present.report.page import plan_report, question_report, write_report

__all__ = ["plan_report", "question_report", "write_report", "Figure", "TeamFacts",
           "PLAN_FIGURES", "QUESTION_FIGURES", "SIGNAL_FIGURES", "CALIBRATION_FIGURES",
           "TREND_FIGURES", "REPORT_BACKTEST"]

"""``forecast.report``: the public name of the HTML report, :mod:`forecast.present.report`.

``forecast.report.plan_report(plan)`` keeps working now that the report lives in
the presentation layer: this module stands aside for that one, so both names
are the same module object.
"""

import sys

from forecast.present import report as _report

sys.modules[__name__] = _report

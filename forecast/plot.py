"""``forecast.plot``: the public name of the plotting module, :mod:`forecast.present.plot`.

``import forecast.plot`` and ``forecast.plot.when(...)`` keep working now that
the plots live in the presentation layer: this module stands aside for that
one, so both names are the same module object (and patching one patches both).
"""

import sys

from forecast.present import plot as _plot

sys.modules[__name__] = _plot

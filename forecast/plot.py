"""``forecast.plot``: the public name of the plotting package, :mod:`forecast.present.plot`.

``import forecast.plot`` and ``forecast.plot.when(...)`` keep working now that
the plots live in the presentation layer: this module stands aside for that
package, so both names are the same module object (and patching one patches
both). Its modules are registered under both names too, so
``from forecast.plot.style import LINE_COLOURS`` reads the very objects of
:mod:`forecast.present.plot.style` rather than loading a second copy.
"""

import sys

from forecast.present import plot as _plot

sys.modules[__name__] = _plot
for _name in [n for n in sys.modules if n.startswith(f"{_plot.__name__}.")]:
    sys.modules[__name__ + _name.removeprefix(_plot.__name__)] = sys.modules[_name]

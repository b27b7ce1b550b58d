"""evaluation: how far a forecast can be trusted: scores, backtests, recalibration, signals."""

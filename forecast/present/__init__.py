"""present: plots and the HTML report, drawn from results (never recomputed)."""

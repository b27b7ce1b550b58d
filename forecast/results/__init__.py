"""results: forecasts as values: percentiles, likelihoods, precision, tables (no computing)."""

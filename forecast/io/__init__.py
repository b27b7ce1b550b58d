"""io: reading histories, exports and portfolios, and writing outputs and records."""

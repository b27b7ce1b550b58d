"""core: the model of the world every layer shares: calendars, histories, portfolios, checks."""

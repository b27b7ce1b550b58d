"""forecasting: the questions (when, how many, plan) and the auto policy that answers them."""

"""Use cases that combine models and rules in one transaction (the caller commits)."""

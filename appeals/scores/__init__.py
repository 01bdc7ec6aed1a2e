"""Scores per body: the pure formula, the set-based measures, the score cells and snapshots."""

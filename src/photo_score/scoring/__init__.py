"""Scoring: config, reducer, tiers and explanations — one implementation for every surface."""

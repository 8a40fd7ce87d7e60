"""Inference: the analyzer interface and its implementations (local, OpenRouter, cloud)."""

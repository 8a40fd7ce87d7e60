"""``python -m photo_score`` runs the CLI."""

from photo_score.cli import entry

entry()

"""photo-score: score, explain and rank photographs, offline first.

The library is the product; the CLI, the desktop sidecar and the cloud backend are thin
shells over it. Start at :mod:`photo_score.pipeline` (ingest → analyze → score).
"""

__version__ = "0.1.0"

"""Cloud backend for photo-score (FastAPI on PostgreSQL). Not built yet: see issue "Cloud backend"."""

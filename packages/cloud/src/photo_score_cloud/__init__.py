"""Cloud backend for photo-score (FastAPI on PostgreSQL). Not built yet: see the Cloud issue."""

"""Desktop sidecar for photo-score: the local API and UI server. Not built yet: see issue "Desktop app"."""

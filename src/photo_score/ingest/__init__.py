"""Ingest: discovery, identity (SHA-256), EXIF metadata, previews and thumbnails."""

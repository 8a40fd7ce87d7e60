"""Per-photo and collection-level ("personality") recommendations (not built yet)."""
